import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type Answer, runPipeline, runSingle, runTransaction } from "./execute";
import { isAuthorized } from "./protocol/auth";
import { BadRequestError, toCommand, toCommands } from "./protocol/command";
import { JsonBodyError, parseJsonBody } from "./protocol/json-body";
import { errorJson } from "./protocol/reply-json";
import { RedisUnavailableError } from "./redis/connection";
import type { ConnectionPool } from "./redis/pool";

/** What the bridge's HTTP app needs. */
export interface BridgeAppOptions {
  pool: ConnectionPool;
  token: string;
  /** Path prefix the endpoints sit under ("" for none), e.g. "/redis". */
  basePath: string;
  /** Where Redis is, without secrets (shown by `GET /`). */
  redisLabel: string;
  maxBodyBytes: number;
}

const ALLOWED_METHODS = new Set(["HEAD", "GET", "POST", "PUT"]);

function json(c: Context, status: ContentfulStatusCode, body: string): Response {
  return c.body(body, status, { "Content-Type": "application/json" });
}

function answer(c: Context, { status, body }: Answer): Response {
  return json(c, status, body);
}

/**
 * The Upstash-compatible REST app: `/`, `/pipeline` and `/multi-exec` under
 * bearer auth, forwarding to Redis through the pool. See UPSTASH_REST.md.
 */
export function createBridgeApp(options: BridgeAppOptions): Hono {
  const { pool, token } = options;
  let syncToken = 0;
  const app = new Hono();
  const api = options.basePath === "" ? app : app.basePath(options.basePath);

  // A value that changes on every response, as Upstash's read-your-writes token does.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("upstash-sync-token", String(++syncToken));
  });
  app.use(async (c, next) => {
    if (!ALLOWED_METHODS.has(c.req.method)) return json(c, 405, errorJson("Method Not Allowed"));
    await next();
  });

  const health = (c: Context) =>
    json(c, 200, JSON.stringify({ result: "edge-kv upstash bridge", redis: options.redisLabel }));
  api.get("/", health);

  const authorized = async (c: Context, next: () => Promise<void>) => {
    if (!isAuthorized(c.req.header("authorization"), token)) return json(c, 401, errorJson("Unauthorized"));
    await next();
  };
  const limited = bodyLimit({
    maxSize: options.maxBodyBytes,
    onError: (c) => json(c, 413, errorJson(`ERR request body larger than ${options.maxBodyBytes} bytes`)),
  });
  const base64Of = (c: Context) => c.req.header("upstash-encoding")?.trim().toLowerCase() === "base64";
  const bodyOf = async (c: Context) => parseJsonBody(await c.req.text());

  api.on(["POST", "PUT"], "/", authorized, limited, async (c) =>
    answer(c, await runSingle(pool, toCommand(await bodyOf(c)), base64Of(c))),
  );
  api.on(["POST", "PUT"], "/pipeline", authorized, limited, async (c) =>
    answer(c, await runPipeline(pool, toCommands(await bodyOf(c)), base64Of(c))),
  );
  api.on(["POST", "PUT"], "/multi-exec", authorized, limited, async (c) =>
    answer(c, await runTransaction(pool, toCommands(await bodyOf(c)), base64Of(c))),
  );
  api.on(["GET", "HEAD"], ["/pipeline", "/multi-exec"], (c) => json(c, 405, errorJson("Method Not Allowed")));

  app.notFound((c) => json(c, 404, errorJson("Not Found")));
  app.onError((error, c) => {
    if (error instanceof BadRequestError || error instanceof JsonBodyError) {
      return json(c, 400, errorJson(error.message));
    }
    if (error instanceof RedisUnavailableError) return json(c, 503, errorJson(error.message));
    console.error("upstash-bridge: unexpected error", error);
    return json(c, 500, errorJson("ERR internal bridge error"));
  });
  return app;
}
