import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { RouterRoute } from "hono/types";
import * as v from "valibot";
import { type Access, authenticate, type Scope } from "../auth";
import { ApiError, type ProblemCode, type ProblemExtras } from "../problems";
import { isJsonObject, parseJson } from "../rules/json";
import { checkKey, keyFromPath } from "../rules/keys";
import type { Limits } from "../settings";
import type { Setup } from "../setup";
import type { KvStore } from "../store/types";
import { readBoundedText, requireJsonContentType } from "./body";

/** Hono's type parameters for the KV worker: bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Settings, tokens and store of the bindings (every request). */
    setup: Setup;
    /** The caller's rights (data routes). */
    access: Access;
    /** The store (data routes). */
    store: KvStore;
    /** The scope the route declared (data routes): what each key the request names needs by default. */
    scope: Scope;
    /** The request's JSON body as sent (for the Idempotency-Key fingerprint). */
    bodyText: string | undefined;
    /** The request's Idempotency-Key (write routes). */
    idempotencyKey: string | undefined;
    /** True when the answer replays an earlier request's outcome. */
    replayed: boolean | undefined;
  };
}

/** Who may call a route: holders of a scope over the keys it touches, or anyone. */
export type RouteScope = Scope | "public";

/** A documented response of a route. */
export interface ResponseDoc {
  description: string;
  schema?: v.GenericSchema;
  example?: unknown;
  /** Defaults to application/json. */
  mediaType?: string;
  /** Response headers: name → description. */
  headers?: Record<string, string>;
}

/** What a route declares besides its method, path, validators and handler. */
export interface RouteSpec {
  scope: RouteScope;
  /** The scope is checked over the whole store (no key in the request). */
  storeWide?: boolean;
  tag: "compatible" | "v1" | "admin" | "service";
  summary: string;
  description?: string;
  /** Success and route-specific responses by status. */
  responses: Record<number, ResponseDoc>;
  /** Problem codes the handler answers, beyond those of the validators, auth and storage. */
  errors?: ProblemCode[];
  /** A GET route also serves HEAD (Hono runs the GET handler without the body): its summary. */
  head?: string;
}

/** Where a validator reads its input. */
export type InputTarget = "param" | "query" | "header" | "json";

/** What a validator tells the OpenAPI document and the deny-by-default check. */
export interface InputSpec {
  target: InputTarget;
  schema: v.GenericSchema;
  /** Problem codes it answers. */
  codes: ProblemCode[];
  /** True when it finds the keys (or prefix) of the request and checks the caller's rights over them. */
  claimsKeys: boolean;
  /** For bodies: whether one is required, and an example. */
  body?: { required: boolean; example?: unknown };
}

const ROUTE_SPEC = Symbol("edge-kv route spec");
const INPUT_SPEC = Symbol("edge-kv input spec");

type Marked<T, K extends symbol, S> = T & { readonly [P in K]: S };

function mark<T extends object, K extends symbol, S>(handler: T, symbol: K, spec: S): Marked<T, K, S> {
  return Object.assign(handler, { [symbol]: spec }) as Marked<T, K, S>;
}

/** The route declaration a handler carries, if it is one. */
export function routeSpecOf(handler: unknown): RouteSpec | undefined {
  return (handler as { [ROUTE_SPEC]?: RouteSpec })[ROUTE_SPEC];
}

/** Marks a validator with what it tells the OpenAPI document and the deny-by-default check. */
export function markInput<T extends object>(validator: T, spec: InputSpec): T {
  return mark(validator, INPUT_SPEC, spec);
}

/** The input declaration a handler carries, if it is a validator. */
export function inputSpecOf(handler: unknown): InputSpec | undefined {
  return (handler as { [INPUT_SPEC]?: InputSpec })[INPUT_SPEC];
}

/**
 * The first handler of every route: what it is, who may call it, how it is
 * documented. For a data route it authenticates the caller and attaches the
 * store; the validators after it check the caller's rights on each key they
 * find. A route without a declaration cannot be registered (see
 * `checkDeclarations`): data is served by default to no one.
 */
export function route(spec: RouteSpec): MiddlewareHandler<AppEnv> {
  const declared: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (spec.scope === "public") return next();
    const setup = c.get("setup");
    if (setup.problem !== null) throw setup.problem;
    const limiter: RateLimit | undefined = spec.scope === "read" ? c.env.READ_LIMITER : c.env.WRITE_LIMITER;
    const address = limiter === undefined ? "" : `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
    let access: Access;
    try {
      // A token already verified answers at once: no await, no turn of the microtask queue.
      const known = authenticate(setup.tokens, c.req.header("authorization"));
      access = known instanceof Promise ? await known : known;
    } catch (error) {
      // Guesses at a token spend the budget of the address they come from.
      if (error instanceof ApiError && error.status === 401 && limiter !== undefined)
        await spendBudget(limiter, address);
      throw error;
    }
    // Without a limiter bound (local development, tests) there is nothing to wait for.
    if (limiter !== undefined) await spendBudget(limiter, access.caller ?? address);
    if (spec.storeWide === true) access.requireStoreWide(spec.scope);
    c.set("access", access);
    c.set("scope", spec.scope);
    c.set("store", setup.openedStore ?? (await setup.openStore()));
    await next();
  };
  return mark(declared, ROUTE_SPEC, spec);
}

/** Seconds until a spent budget is likely renewed: the period of the limiters in wrangler.toml. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Counts one request against the caller's budget (Workers Rate Limiting; no
 * limiter bound, no limit) and refuses it with 429 when the budget is spent.
 */
async function spendBudget(limiter: RateLimit, caller: string): Promise<void> {
  if ((await limiter.limit({ key: caller })).success) return;
  throw new ApiError("rate_limited", {
    detail: "Too many requests from this caller; retry later",
    headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
  });
}

/**
 * Refuses routes that could serve without declaring who may call them: every
 * route needs one `route()` declaration first, and a data route must find the
 * keys it touches with a validator that checks them, or be store-wide.
 */
export function checkDeclarations(routes: readonly RouterRoute[]): void {
  for (const [path, handlers] of groupRoutes(routes)) {
    const spec = routeSpecOf(handlers[0]);
    if (spec === undefined || handlers.filter((handler) => routeSpecOf(handler) !== undefined).length !== 1) {
      throw new Error(`${path}: a route starts with exactly one route() declaration`);
    }
    const claims = handlers.some((handler) => inputSpecOf(handler)?.claimsKeys === true);
    if (spec.scope !== "public" && spec.storeWide !== true && !claims) {
      throw new Error(`${path}: a data route needs a validator that finds and checks its keys, or storeWide`);
    }
  }
}

/** The handlers of each registered route (method and path), middleware of `use` excluded. */
export function groupRoutes(routes: readonly RouterRoute[]): Map<string, RouterRoute["handler"][]> {
  const grouped = new Map<string, RouterRoute["handler"][]>();
  for (const { method, path, handler } of routes) {
    if (method === "ALL") continue;
    const id = `${method} ${path}`;
    grouped.set(id, [...(grouped.get(id) ?? []), handler]);
  }
  return grouped;
}

/** One key a request touches, and the scope it needs (the route's by default). */
export interface KeyClaim {
  key: string;
  scope?: Scope;
  /** Position of the key in the request's list (`ops[3]`), named in an error. */
  at?: { list: string; index: number };
}

/** Field names whose problems have codes of their own; any other field reports the target's code. */
const FIELD_CODES: Record<string, { missing?: ProblemCode; invalid: ProblemCode }> = {
  key: { missing: "missing_key", invalid: "invalid_key" },
  value: { missing: "missing_value", invalid: "missing_value" },
  ttl: { invalid: "invalid_ttl" },
  expires_at: { invalid: "invalid_expires_at" },
  keep_ttl: { invalid: "invalid_keep_ttl" },
  persist: { invalid: "invalid_persist" },
  by: { invalid: "invalid_by" },
  limit: { invalid: "invalid_limit" },
  prefix: { invalid: "invalid_prefix" },
  cursor: { invalid: "invalid_cursor" },
  since: { invalid: "invalid_since" },
  mode: { invalid: "invalid_mode" },
  ops: { missing: "invalid_ops", invalid: "invalid_ops" },
  checks: { invalid: "invalid_checks" },
  op: { invalid: "invalid_op" },
  metadata: { invalid: "invalid_metadata" },
};

function shown(input: unknown): string {
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Validates `data` against a schema, turning the first issue into a 400 that
 * names the field and the value received: `missing_<field>` or
 * `invalid_<field>` for a field with codes of its own (FIELD_CODES), else
 * `rootCode`. An object schema refuses anything but a JSON object.
 */
export function validate<S extends v.GenericSchema>(schema: S, data: unknown, rootCode: ProblemCode): v.InferOutput<S> {
  if (schema.type === "object" && !isJsonObject(data)) {
    throw new ApiError(rootCode, { detail: (schema as { message?: unknown }).message?.toString() ?? "Not an object" });
  }
  const result = v.safeParse(schema, data, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  if (path === null) throw new ApiError(rootCode, { detail: issue.message });
  // The nearest named field with codes of its own: `ttl` of ops.3.ttl, `checks` of checks.0.version.
  const named = [...(issue.path ?? [])]
    .reverse()
    .find((item) => typeof item.key === "string" && item.key in FIELD_CODES);
  const codes = named === undefined ? undefined : FIELD_CODES[named.key as string];
  const extras: ProblemExtras = { field: path };
  if (issue.type === "object" && issue.input === undefined) {
    throw new ApiError(codes?.missing ?? rootCode, { detail: `'${path}' is required`, extras });
  }
  if (issue.type === "max_value" || issue.type === "max_length") extras.limit = Number(issue.requirement);
  throw new ApiError(codes?.invalid ?? rootCode, {
    detail: `'${path}' ${issue.message}, got ${shown(issue.input)}`,
    extras,
  });
}

function claimKeys(c: Context<AppEnv>, claims: Iterable<KeyClaim>, maxKeyBytes: number): void {
  const access = c.get("access");
  const scope = c.get("scope");
  for (const claim of claims) {
    try {
      checkKey(claim.key, maxKeyBytes);
      access.require(claim.scope ?? scope, claim.key);
    } catch (error) {
      if (!(error instanceof ApiError) || claim.at === undefined) throw error;
      throw error.within(`${claim.at.list}[${claim.at.index}]`, { index: claim.at.index });
    }
  }
}

type Input<T extends InputTarget, In, Out> = { in: { [K in T]: In }; out: { [K in T]: Out } };

const PATH_KEY_CODES: ProblemCode[] = ["key_empty", "key_too_long", "key_invalid", "key_reserved", "key_bad_encoding"];
/**
 * The key in the route's path (`:key{...}`), percent-decoded strictly and
 * checked against the key rules (414 when too long) and the caller's rights.
 * One instance per route: it reads where the key sits in its route's path once.
 */
export function pathKey<P extends string>(): MiddlewareHandler<
  AppEnv,
  P,
  Input<"param", { key: string }, { key: string }>
> {
  let bounds: [string, string] | undefined;
  const validator: MiddlewareHandler<AppEnv> = (c, next) => {
    if (bounds === undefined) {
      const pattern = routePath(c);
      const start = pattern.indexOf(":key");
      bounds = [pattern.slice(0, start), pattern.slice(pattern.indexOf("}", start) + 1)];
    }
    const key = checkKey(
      keyFromPath(c.req.url, bounds[0], bounds[1]),
      c.get("setup").config.limits.maxKeyBytes,
      "path",
    );
    c.get("access").require(c.get("scope"), key);
    c.req.addValidatedData("param", { key });
    return next();
  };
  return mark(validator, INPUT_SPEC, {
    target: "param",
    schema: v.object({ key: v.pipe(v.string(), v.description("The key, percent-encoded: a/b is a%2Fb")) }),
    codes: [...PATH_KEY_CODES, "forbidden"],
    claimsKeys: true,
  } satisfies InputSpec);
}

interface SchemaShape {
  kind?: string;
  type?: string;
  wrapped?: SchemaShape;
  pipe?: SchemaShape[];
  entries?: Record<string, SchemaShape>;
}

/** The JSON type a member's schema takes once optional wrappers and custom steps are looked through. */
function baseTypeOf(schema: SchemaShape | undefined): string | undefined {
  if (schema === undefined) return undefined;
  if (schema.wrapped !== undefined) return baseTypeOf(schema.wrapped);
  if (schema.type !== "custom" && schema.type !== "unknown") return schema.type;
  for (const item of schema.pipe ?? []) {
    const type = item !== schema && item.kind === "schema" ? baseTypeOf(item) : undefined;
    if (type !== undefined && type !== "custom" && type !== "unknown") return type;
  }
  return schema.type;
}

/** How query text becomes the typed values a query schema takes: numbers and booleans by their schema's type. */
function queryReader(schema: v.GenericSchema): (raw: Record<string, string>) => Record<string, unknown> {
  const entries = (schema as SchemaShape).entries ?? {};
  const types = new Map(Object.entries(entries).map(([name, entry]) => [name, baseTypeOf(entry)]));
  return (raw) => {
    const typed: Record<string, unknown> = {};
    for (const [name, text] of Object.entries(raw)) {
      const type = types.get(name);
      if (type === "number" && /^-?[0-9]{1,16}(\.[0-9]{1,16})?$/.test(text)) typed[name] = Number(text);
      else if (type === "boolean" && (text === "1" || text === "true")) typed[name] = true;
      else if (type === "boolean" && (text === "0" || text === "false")) typed[name] = false;
      else typed[name] = text;
    }
    return typed;
  };
}

/**
 * The query string, read into the schema's types (integers, numbers, booleans
 * from their decimal or `1`/`true` text) and validated. `prefix`, when given,
 * names the key prefix the request reads, checked against the caller's rights.
 */
export function query<S extends v.GenericSchema, P extends string>(
  schema: S,
  options: { prefix?: (query: v.InferOutput<S>) => string } = {},
): MiddlewareHandler<AppEnv, P, Input<"query", v.InferInput<S>, v.InferOutput<S>>> {
  const read = queryReader(schema);
  const absent = absentInput(schema, "invalid_query");
  const validator: MiddlewareHandler<AppEnv> = (c, next) => {
    const parsed = c.req.url.includes("?") ? validate(schema, read(c.req.query()), "invalid_query") : absent();
    if (options.prefix !== undefined) c.get("access").requirePrefix(c.get("scope"), options.prefix(parsed));
    c.req.addValidatedData("query", parsed as object);
    return next();
  };
  return mark(validator, INPUT_SPEC, {
    target: "query",
    schema,
    codes: ["invalid_query", ...(options.prefix === undefined ? [] : (["forbidden"] as const))],
    claimsKeys: options.prefix !== undefined,
  } satisfies InputSpec);
}

/**
 * The validated form of an input the request does not send at all (no query
 * string, none of the headers): the same for every such request, so it is
 * validated once and shared, frozen so that no handler changes it for the
 * next. An input whose absence is refused throws each time, and nothing is kept.
 */
function absentInput<S extends v.GenericSchema>(schema: S, code: ProblemCode): () => v.InferOutput<S> {
  let known: v.InferOutput<S> | undefined;
  return () => {
    known ??= Object.freeze(validate(schema, {}, code));
    return known;
  };
}

/**
 * Request headers the schema names (with their usual capitalisation), validated;
 * a problem reports the first of `codes`.
 */
export function headers<S extends v.GenericSchema, P extends string>(
  schema: S,
  codes: ProblemCode[] = [],
): MiddlewareHandler<AppEnv, P, Input<"header", v.InferInput<S>, v.InferOutput<S>>> {
  const names = Object.keys((schema as unknown as { entries?: Record<string, unknown> }).entries ?? {});
  const code = codes[0] ?? "invalid_query";
  const absent = absentInput(schema, code);
  const validator: MiddlewareHandler<AppEnv> = (c, next) => {
    const raw: Record<string, string> = {};
    let present = false;
    for (const name of names) {
      const value = c.req.header(name);
      if (value !== undefined) {
        raw[name] = value;
        present = true;
      }
    }
    const parsed = present ? validate(schema, raw, code) : absent();
    c.req.addValidatedData("header", parsed as object);
    return next();
  };
  return mark(validator, INPUT_SPEC, { target: "header", schema, codes, claimsKeys: false } satisfies InputSpec);
}

/** How a route reads its JSON body. */
export interface BodyOptions<S extends v.GenericSchema> {
  /** The most bytes the body may hold, from the configured limits. */
  limit: (limits: Limits) => number;
  /** An empty body reads as `{}` (small optional bodies: PATCH, incr). */
  optional?: boolean;
  /** Checks the parsed body before validation (a cheap refusal of a body too big to validate). */
  precheck?: (data: unknown, limits: Limits) => void;
  /** The keys the body names, each checked against the key rules and the caller's rights. */
  keys?: (body: v.InferOutput<S>) => Iterable<KeyClaim>;
  /** Problem codes beyond those of reading and validating. */
  codes?: ProblemCode[];
  example?: unknown;
}

const BODY_CODES: ProblemCode[] = [
  "body_too_large",
  "unsupported_media_type",
  "invalid_utf8",
  "malformed_json",
  "json_too_deep",
  "number_out_of_range",
];

/**
 * The JSON body, read within its limit (413 from Content-Length or while
 * streaming), parsed with exact number text, and validated (a missing
 * Content-Type reads as JSON, as the older services did).
 */
export function jsonBody<S extends v.GenericSchema, P extends string>(
  schema: S,
  options: BodyOptions<S>,
): MiddlewareHandler<AppEnv, P, Input<"json", v.InferInput<S>, v.InferOutput<S>>> {
  const rootCode: ProblemCode = schema.type === "object" ? "body_not_object" : "malformed_json";
  const validator: MiddlewareHandler<AppEnv> = async (c, next) => {
    const limits = c.get("setup").config.limits;
    const text = await readBoundedText(c.req.raw, options.limit(limits));
    c.set("bodyText", text);
    let data: unknown = {};
    if (options.optional !== true || text.trim() !== "") {
      requireJsonContentType(c.req.header("content-type"));
      data = parseJson(text);
    }
    options.precheck?.(data, limits);
    const body = validate(schema, data, rootCode);
    if (options.keys !== undefined) claimKeys(c, options.keys(body), limits.maxKeyBytes);
    c.req.addValidatedData("json", body as object);
    await next();
  };
  const keyCodes: ProblemCode[] = options.keys === undefined ? [] : [...PATH_KEY_CODES.slice(0, 4), "forbidden"];
  return mark(validator, INPUT_SPEC, {
    target: "json",
    schema,
    codes: [...BODY_CODES, rootCode, ...keyCodes, ...(options.codes ?? [])],
    claimsKeys: options.keys !== undefined,
    body: { required: options.optional !== true, example: options.example },
  } satisfies InputSpec);
}

/** One line of an NDJSON body: its value, or why it was refused. */
export type NdjsonLine<T> = { line: number; value: T } | { line: number; error: ApiError };

/** How a route reads an NDJSON body. */
export interface NdjsonOptions<S extends v.GenericSchema> {
  /** The most bytes the body may hold, from the settings. */
  limit: (config: Setup["config"]) => number;
  /** A first line that heads the body rather than carrying an item (checked by the callback). */
  header: (data: unknown) => boolean;
  /** The keys a line names, each checked against the key rules and the caller's rights. */
  keys: (item: v.InferOutput<S>) => Iterable<KeyClaim>;
  codes?: ProblemCode[];
}

/**
 * An NDJSON body, read whole within its limit, one item per line: each line
 * parsed (exact number text, depth limit), validated and its keys checked on
 * its own. A bad line does not refuse the request: it is reported with its
 * problem, and the handler reports it back.
 */
export function ndjsonBody<S extends v.GenericSchema, P extends string>(
  schema: S,
  options: NdjsonOptions<S>,
): MiddlewareHandler<AppEnv, P, { out: { json: NdjsonLine<v.InferOutput<S>>[] } }> {
  const validator: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { config } = c.get("setup");
    const text = await readBoundedText(c.req.raw, options.limit(config));
    c.set("bodyText", text);
    const lines: NdjsonLine<v.InferOutput<S>>[] = [];
    text.split("\n").forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === "") return;
      try {
        const data = parseJson(raw, `Line ${line}`);
        if (index === 0 && options.header(data)) return;
        const value = validate(schema, data, "invalid_line");
        claimKeys(c, options.keys(value), config.limits.maxKeyBytes);
        lines.push({ line, value });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        lines.push({ line, error });
      }
    });
    c.req.addValidatedData("json", lines);
    await next();
  };
  return mark(validator, INPUT_SPEC, {
    target: "json",
    schema,
    codes: ["body_too_large", "invalid_utf8", ...(options.codes ?? [])],
    claimsKeys: true,
    body: { required: true },
  } satisfies InputSpec);
}
