import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LIAR_MODES, LIAR_TOKEN, type LiarMode } from "./liar-modes";

interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
  etag?: string;
}

interface Entry {
  json: string;
  expiresAt: number | null;
  version: number;
}

const ok = (body: unknown): Answer => ({ status: 200, body });

function problem(mode: LiarMode, status: number, code: string, detail: string): Answer {
  if (mode === "plain-errors") return { status, body: detail, contentType: "text/plain" };
  return {
    status,
    body: { type: "about:blank", title: "Error", status, detail, code },
    contentType: "application/problem+json",
  };
}

/** The fake KV worker's logic for one mode. */
class FakeKv {
  private readonly entries = new Map<string, Entry>();
  /** Every set, in order: what GET /v1/watch replays (the v1 reads the smoke's change_feed makes). */
  private readonly changes: { revision: number; key: string; json: string }[] = [];
  private revision = 0;
  constructor(private readonly mode: LiarMode) {}

  /** Keys currently stored (expired ones excluded). */
  keys(): string[] {
    return [...this.entries.keys()].filter((key) => this.read(key) !== undefined);
  }

  private read(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt != null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    if (entry !== undefined && this.mode === "null-is-missing" && entry.json === "null") return undefined;
    return entry;
  }

  answer(method: string, url: URL, body: string): Answer {
    const mode = this.mode;
    const path = url.pathname;
    if (mode === "server-error") return problem(mode, 500, "storage_unavailable", "Storage is down");
    if (method === "GET" && path.startsWith("/v1/kv/")) {
      const entry = this.read(decodeURIComponent(path.slice("/v1/kv/".length)));
      if (entry === undefined) return problem(mode, 404, "key_not_found", "Key not found");
      return { status: 200, body: JSON.parse(entry.json), etag: `"${entry.version}"` };
    }
    if (method === "GET" && path === "/v1/watch") return this.watch(url.searchParams);
    const [, route = "", ...rest] = path.split("/");
    const key = decodeURIComponent(rest.join("/"));
    if (method === "GET" && path === "/") return ok({ message: "KV Service is running" });
    if (method === "POST" && route === "set") return this.set(body);
    if (method === "GET" && route === "get") {
      if (mode === "always-ok") return ok({ value: "a lie" });
      const entry = this.read(key);
      return entry === undefined
        ? problem(mode, 404, "key_not_found", `Key '${key}' not found`)
        : ok({ value: JSON.parse(entry.json) });
    }
    if (method === "GET" && route === "exists") {
      return ok({ key, exists: mode === "always-ok" || this.read(key) !== undefined });
    }
    if (method === "DELETE" && route === "delete") {
      if (mode === "delete-500") return problem(mode, 500, "storage_unavailable", "Storage failed during delete");
      const found = mode === "always-ok" || this.read(key) !== undefined;
      if (!found) return problem(mode, 404, "key_not_found", `Key '${key}' not found`);
      if (mode !== "sticky-delete") this.entries.delete(key);
      const deleted = { message: `Key '${key}' deleted successfully` };
      return mode === "delete-500-ok-body" ? { status: 500, body: deleted } : ok(deleted);
    }
    return problem(mode, 404, "route_not_found", `No route for ${method} ${path}`);
  }

  private set(text: string): Answer {
    const mode = this.mode;
    let body: { key?: unknown; value?: unknown; ttl?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      if (mode === "lenient" || mode === "always-ok") return ok({ message: "Key 'undefined' stored successfully" });
      return problem(mode, 400, "malformed_json", "The request body is not valid JSON");
    }
    const valid =
      typeof body.key === "string" &&
      "value" in body &&
      (body.ttl === undefined || (Number.isInteger(body.ttl) && Number(body.ttl) > 0));
    if (!valid && mode !== "lenient" && mode !== "always-ok")
      return problem(mode, 400, "invalid_body", "Bad /set body");
    const key = String(body.key);
    const keep =
      mode === "forgetful" || mode === "always-ok" || (mode === "stale-overwrite" && this.read(key) !== undefined);
    if (!keep) {
      const ttl = typeof body.ttl === "number" && mode !== "ignores-ttl" ? body.ttl : null;
      const json = JSON.stringify(body.value ?? null);
      this.revision++;
      this.changes.push({ revision: this.revision, key, json });
      this.entries.set(key, { json, expiresAt: ttl === null ? null : Date.now() + ttl * 1000, version: this.revision });
    }
    return ok({ message: `Key '${key}' stored successfully` });
  }

  /** The sets after `since` under `prefix` as one finished SSE body. */
  private watch(params: URLSearchParams): Answer {
    const prefix = params.get("prefix") ?? "";
    const since = Number(params.get("since") ?? this.revision);
    const changes = this.mode === "feed-misses" ? [] : this.changes;
    const events = changes
      .filter((change) => change.revision > since && change.key.startsWith(prefix))
      .map(
        ({ revision, key }) => `event: put\nid: ${revision}\ndata: ${JSON.stringify({ key, version: revision })}\n\n`,
      );
    return { status: 200, body: `retry: 1000\n\n${events.join("")}`, contentType: "text/event-stream" };
  }
}

/** A running fake KV server. */
export interface Liar {
  /** Base URL of a mode, to use as KV_URL or --url. */
  url(mode: LiarMode): string;
  /** Keys stored under a mode right now. */
  keys(mode: LiarMode): string[];
  /** Each POST and DELETE a mode received: method, path and Idempotency-Key header. */
  writes(mode: LiarMode): { method: string; path: string; idempotencyKey: string | undefined }[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, answer: Answer): void {
  const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
  const headers: Record<string, string> = { "Content-Type": answer.contentType ?? "application/json" };
  if (answer.etag !== undefined) headers.ETag = answer.etag;
  response.writeHead(answer.status, headers);
  response.end(text);
}

/** Starts the fake KV server on a free port of 127.0.0.1. */
export async function startLiar(): Promise<Liar> {
  const stores = new Map<LiarMode, FakeKv>(LIAR_MODES.map((mode) => [mode, new FakeKv(mode)]));
  const storeOf = (mode: LiarMode): FakeKv => {
    const store = stores.get(mode);
    if (store === undefined) throw new Error(`no fake store for mode ${mode}`);
    return store;
  };
  const writes = new Map<LiarMode, { method: string; path: string; idempotencyKey: string | undefined }[]>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://liar");
    const [, prefix = "", ...rest] = url.pathname.split("/");
    const mode = LIAR_MODES.find((candidate) => candidate === prefix);
    const body = await readBody(request);
    if (mode !== undefined && (request.method === "POST" || request.method === "DELETE")) {
      const key = request.headers["idempotency-key"];
      const list = writes.get(mode) ?? [];
      list.push({ method: request.method, path: url.pathname, idempotencyKey: Array.isArray(key) ? key[0] : key });
      writes.set(mode, list);
    }
    if (mode === undefined) return send(response, { status: 404, body: { detail: "unknown mode" } });
    if (mode === "silent") return; // never answers; the client's timeout ends it
    if (mode === "echo-auth") {
      const detail = `Refused 'Authorization: ${request.headers.authorization ?? ""}'`;
      return send(response, problem(mode, 401, "unauthorized", detail));
    }
    if (mode === "auth" && request.headers.authorization !== `Bearer ${LIAR_TOKEN}`) {
      return send(response, problem(mode, 401, "unauthorized", "A bearer token is required"));
    }
    const path = new URL(`/${rest.join("/")}${url.search}`, "http://liar");
    send(response, storeOf(mode).answer(request.method ?? "GET", path, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (mode) => `http://127.0.0.1:${port}/${mode}`,
    keys: (mode) => storeOf(mode).keys(),
    writes: (mode) => writes.get(mode) ?? [],
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (connections are refused). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
