import { toJsonSchema } from "@valibot/to-json-schema";
import type { RouterRoute } from "hono/types";
import type * as v from "valibot";
import { type ErrorStatus, PROBLEMS, type ProblemCode, STATUS_TITLES } from "../problems";
import { Problem } from "../schemas";
import { groupRoutes, type InputSpec, inputSpecOf, type ResponseDoc, type RouteSpec, routeSpecOf } from "./route";

type Json = Record<string, unknown>;

/** Problems every data route may answer: auth, configuration, storage. */
const DATA_ROUTE_CODES: ProblemCode[] = [
  "unauthorized",
  "invalid_token",
  "forbidden",
  "storage_unavailable",
  "misconfigured",
  "auth_not_configured",
  "rate_limited",
];

function schemaOf(schema: v.GenericSchema): Json {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { errorMode: "ignore" }) as Json;
  return rest;
}

function responseOf(doc: ResponseDoc): Json {
  const response: Json = { description: doc.description };
  if (doc.schema !== undefined) {
    const media: Json = { schema: schemaOf(doc.schema) };
    if (doc.example !== undefined) media.example = doc.example;
    response.content = { [doc.mediaType ?? "application/json"]: media };
  }
  if (doc.headers !== undefined) {
    response.headers = Object.fromEntries(
      Object.entries(doc.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]),
    );
  }
  return response;
}

function parametersOf(inputs: InputSpec[]): Json[] {
  const parameters: Json[] = [];
  for (const input of inputs) {
    if (input.target === "json") continue;
    const object = schemaOf(input.schema) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(object.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: input.target === "param" ? "path" : input.target,
        required: input.target === "param" || (object.required?.includes(name) ?? false),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  }
  return parameters;
}

/** Error responses, one per status, naming the problem codes the operation answers with it. */
function errorResponsesOf(codes: Iterable<ProblemCode>): Record<string, Json> {
  const byStatus = new Map<ErrorStatus, ProblemCode[]>();
  for (const code of codes) {
    for (const status of PROBLEMS[code].statuses) {
      const list = byStatus.get(status) ?? [];
      if (!list.includes(code)) list.push(code);
      byStatus.set(status, list);
    }
  }
  const responses: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `${STATUS_TITLES[status]}: ${list.map((code) => `\`${code}\``).join(", ")}`,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  return responses;
}

function operationIdOf(method: string, path: string): string {
  return `${method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`;
}

function operationOf(method: string, path: string, spec: RouteSpec, inputs: InputSpec[], head: boolean): Json {
  const data = spec.scope !== "public";
  const body = inputs.find((input) => input.target === "json");
  const codes = new Set<ProblemCode>([
    ...inputs.flatMap((input) => (head && input.target === "json" ? [] : input.codes)),
    ...(spec.errors ?? []),
    ...(data ? DATA_ROUTE_CODES : []),
  ]);
  const successes = Object.entries(spec.responses).filter(([status]) => !head || status === "200");
  const operation: Json = {
    operationId: operationIdOf(head ? "head" : method, path),
    summary: head ? (spec.head ?? spec.summary) : spec.summary,
    tags: [spec.tag],
    parameters: parametersOf(inputs),
    responses: {
      ...Object.fromEntries(
        successes.map(([status, doc]) => [
          status,
          responseOf(head ? { description: doc.description, headers: doc.headers ?? {} } : doc),
        ]),
      ),
      ...errorResponsesOf(codes),
    },
    security: data ? [{ bearer: [] }] : [],
  };
  if (spec.description !== undefined) operation.description = spec.description;
  if (data) operation["x-scope"] = spec.scope;
  if (body !== undefined && !head) {
    const media: Json = { schema: schemaOf(body.schema) };
    if (body.body?.example !== undefined) media.example = body.body.example;
    operation.requestBody = { required: body.body?.required ?? false, content: { "application/json": media } };
  }
  return operation;
}

/** Hono's `/get/:key{...}` written as OpenAPI's `/get/{key}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, "{$1}");
}

/**
 * The OpenAPI 3.1 document of an app, generated from its route declarations:
 * each route's `route()` spec and the validators that check its input.
 */
export function openApiDocument(routes: readonly RouterRoute[]): Json {
  const paths: Record<string, Json> = {};
  for (const [id, handlers] of groupRoutes(routes)) {
    const spec = handlers.map(routeSpecOf).find((found) => found !== undefined);
    if (spec === undefined) continue;
    const [method, path] = id.split(" ") as [string, string];
    const inputs = handlers.map(inputSpecOf).filter((input) => input !== undefined);
    const item = paths[openApiPath(path)] ?? {};
    paths[openApiPath(path)] = item;
    item[method.toLowerCase()] = operationOf(method, openApiPath(path), spec, inputs, false);
    if (spec.head !== undefined) item.head = operationOf(method, openApiPath(path), spec, inputs, true);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-kv",
      version: "1.0.0",
      description:
        "A key-value store on Cloudflare Workers: the older services' compatible API and the v1 resource API. " +
        "Errors are RFC 9457 problem bodies with a stable `code`.",
      license: { name: "UNLICENSED", identifier: "UNLICENSED" },
    },
    tags: [
      { name: "compatible", description: "The older Python/Go services' API, unchanged" },
      { name: "v1", description: "Versions, conditional writes, TTL control, listing, counters, batch" },
      { name: "admin", description: "Store-wide operations (admin tokens)" },
      { name: "service", description: "Health and documentation" },
    ],
    paths,
    components: {
      schemas: { Problem: schemaOf(Problem) },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A read, write or admin token (see x-scope)" },
      },
    },
  };
}
