import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { Problem } from "../schemas/common";
import type { ResponseDoc, RouteDoc } from "./route-doc";

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: "Bad input",
  401: "Missing or invalid token",
  403: "The token lacks the scope or the key is outside its prefix",
  404: "Not found",
  409: "Conflict with the stored value",
  412: "Precondition failed; nothing was changed",
  413: "Too large",
  414: "Key too long",
  415: "Not JSON",
  503: "Storage unavailable (retry after Retry-After) or misconfigured",
};

function schemaOf(schema: v.GenericSchema): Json {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { errorMode: "ignore" }) as Json;
  return rest;
}

function responseOf(doc: ResponseDoc): Json {
  const response: Json = { description: doc.description };
  if (doc.schema !== undefined) {
    response.content = {
      [doc.mediaType ?? "application/json"]: {
        schema: schemaOf(doc.schema),
        ...(doc.example === undefined ? {} : { example: doc.example }),
      },
    };
  }
  if (doc.headers !== undefined) {
    response.headers = Object.fromEntries(
      Object.entries(doc.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]),
    );
  }
  return response;
}

function parametersOf(doc: RouteDoc): Json[] {
  const parameters: Json[] = [];
  for (const match of doc.path.matchAll(/\{([a-z_]+)\}/g)) {
    parameters.push({
      name: match[1],
      in: "path",
      required: true,
      description: "Percent-encoded key",
      schema: { type: "string" },
    });
  }
  if (doc.query !== undefined) {
    const query = schemaOf(doc.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: "query",
        required: query.required?.includes(name) ?? false,
        description,
        schema: rest,
      });
    }
  }
  for (const [name, description] of Object.entries(doc.headers ?? {})) {
    parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  }
  return parameters;
}

function operationOf(doc: RouteDoc): Json {
  const responses: Json = {};
  for (const [status, response] of Object.entries(doc.responses)) responses[status] = responseOf(response);
  const errors = [...(doc.errors ?? []), ...(doc.scope === "none" ? [] : [401, 403, 503])];
  for (const status of errors) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? "Error",
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  const operation: Json = {
    operationId: `${doc.method}${doc.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: doc.summary,
    tags: [doc.tag],
    parameters: parametersOf(doc),
    responses,
  };
  if (doc.description !== undefined) operation.description = doc.description;
  if (doc.scope !== "none") operation.security = [{ bearer: [] }];
  if (doc.scope !== "none") operation["x-scope"] = doc.scope;
  if (doc.body !== undefined) {
    operation.requestBody = {
      required: doc.body.required ?? false,
      content: { "application/json": { schema: schemaOf(doc.body.schema), example: doc.body.example } },
    };
  }
  return operation;
}

/** The OpenAPI 3.1 document of the given routes, built from the schemas that validate them. */
export function openApiDocument(docs: RouteDoc[]): Json {
  const paths: Record<string, Json> = {};
  for (const doc of docs) {
    paths[doc.path] ??= {};
    paths[doc.path]![doc.method] = operationOf(doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-kv",
      version: "1.0.0",
      description:
        "A key-value store on Cloudflare Workers: the older services' compatible API and the v1 resource API. Errors are RFC 9457 problem bodies.",
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
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A read, write or admin token" } },
    },
  };
}
