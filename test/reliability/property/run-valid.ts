import type { Answer, Sent } from "../support/client";
import { check, etagVersion, expectProblem, expectStatus, fail } from "./checks";
import { FAR_TTL, type RunContext } from "./context";
import { incrText, type ModelEntry } from "./model";
import { asciiJson, pathKey } from "./request";
import { runBatch } from "./run-batch";
import { poolKey, type ValidStep } from "./steps";

/** Compares the entry headers of a v1 read (ETag, expiry, metadata) with the model. */
function checkEntryHeaders(ctx: RunContext, key: string, entry: ModelEntry, answer: Answer): void {
  check(ctx.model.seenVersion(key, etagVersion(answer)), answer);
  if ((answer.headers.get("kv-expires-at") !== null) !== entry.expires)
    fail(`KV-Expires-At presence should be ${entry.expires}`, answer);
  const meta = answer.headers.get("kv-metadata");
  const actual = meta === null ? null : JSON.stringify(JSON.parse(meta));
  if (actual !== entry.meta) fail(`KV-Metadata should be ${entry.meta}, not ${actual}`, answer);
}

function condition(
  ctx: RunContext,
  key: string,
  cond: "none" | "match" | "stale" | "create",
): { headers: Record<string, string>; holds: boolean } {
  const entry = ctx.model.get(key);
  if (cond === "create") return { headers: { "If-None-Match": "*" }, holds: entry === undefined };
  if (cond === "none") return { headers: {}, holds: true };
  if (cond === "match" && entry?.version != null) return { headers: { "If-Match": `"${entry.version}"` }, holds: true };
  return { headers: { "If-Match": '"999999999999999"' }, holds: false };
}

/** Sends a valid generated request and checks its exact answer against the model, updating the model. */
export async function runValid(
  ctx: RunContext,
  s: ValidStep,
  send: (path: string, sent: Sent) => Promise<Answer>,
): Promise<Answer> {
  const { model } = ctx;
  const json = (body: string, headers: Record<string, string> = {}): Sent => ({
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  switch (s.t) {
    case "set": {
      const key = poolKey(ctx.prefix, s.k);
      const ttl = s.ttl === null ? "" : `,"ttl":${s.ttl}`;
      const answer = await send("/set", json(`{"key":${JSON.stringify(key)},"value":${s.value.text}${ttl}}`));
      if (answer.status === 503) return answer;
      expectStatus(answer, 200, "set");
      if (answer.text !== JSON.stringify({ message: `Key '${key}' stored successfully` })) fail("set message", answer);
      model.set(key, { json: s.value.canon, version: null, expires: s.ttl !== null, meta: null });
      return answer;
    }
    case "get":
    case "del":
    case "exists": {
      const key = poolKey(ctx.prefix, s.k);
      const entry = model.get(key);
      const route = { get: "/get/", del: "/delete/", exists: "/exists/" }[s.t];
      const answer = await send(`${route}${pathKey(key, s.enc)}`, { method: s.t === "del" ? "DELETE" : "GET" });
      if (answer.status === 503) return answer;
      if (s.t === "exists") {
        expectStatus(answer, 200, "exists");
        if (answer.text !== JSON.stringify({ key, exists: entry !== undefined }))
          fail(`exists should be ${entry !== undefined}`, answer);
      } else if (entry === undefined) {
        expectProblem(answer, 404, "key_not_found", s.t);
      } else if (s.t === "get") {
        expectStatus(answer, 200, "get");
        if (answer.text !== `{"value":${entry.json}}`) fail(`get should answer ${entry.json}`, answer);
      } else {
        expectStatus(answer, 200, "delete");
        if (answer.text !== JSON.stringify({ message: `Key '${key}' deleted successfully` }))
          fail("delete message", answer);
        model.delete(key);
      }
      return answer;
    }
    case "put": {
      const key = poolKey(ctx.prefix, s.k);
      const entry = model.get(key);
      const { headers, holds } = condition(ctx, key, s.cond);
      const query = {
        none: "",
        ttl: `?ttl=${FAR_TTL}`,
        at: `?expires_at=${Math.floor(Date.now() / 1000) + 2 * FAR_TTL}`,
        keep: "?keep_ttl=1",
      }[s.expiry];
      if (s.meta !== null) headers["KV-Metadata"] = asciiJson(s.meta);
      const answer = await send(`/v1/kv/${pathKey(key, s.enc)}${query}`, {
        ...json(s.value.text, headers),
        method: "PUT",
      });
      if (answer.status === 503) return answer;
      if (!holds) {
        expectProblem(answer, 412, "precondition_failed", "put");
        return answer;
      }
      expectStatus(answer, entry === undefined ? 201 : 200, "put");
      const body = JSON.parse(answer.text) as { key: string; version: number; expires_at: number | null };
      check(model.newVersion(body.version), answer);
      if (etagVersion(answer) !== body.version || body.key !== key) fail("put answer", answer);
      const expires = s.expiry === "ttl" || s.expiry === "at" || (s.expiry === "keep" && entry?.expires === true);
      if ((body.expires_at !== null) !== expires) fail(`put expires_at should be ${expires ? "set" : "null"}`, answer);
      model.set(key, {
        json: s.value.canon,
        version: body.version,
        expires,
        meta: s.meta === null ? null : JSON.stringify(JSON.parse(s.meta)),
      });
      return answer;
    }
    case "vget": {
      const key = poolKey(ctx.prefix, s.k);
      const entry = model.get(key);
      const current = entry?.version ?? null;
      const inm = {
        none: null,
        current: current === null ? null : `"${current}"`,
        star: "*",
        other: '"999999999999999"',
      }[s.inm];
      const answer = await send(`/v1/kv/${pathKey(key, s.enc)}`, {
        method: s.head ? "HEAD" : "GET",
        headers: inm === null ? {} : { "If-None-Match": inm },
      });
      if (answer.status === 503) return answer;
      if (entry === undefined) {
        if (s.head) expectStatus(answer, 404, "head");
        else expectProblem(answer, 404, "key_not_found", "v1 get");
        return answer;
      }
      const notModified = inm === "*" || (inm !== null && inm === `"${current}"`);
      expectStatus(answer, notModified ? 304 : 200, "v1 get");
      checkEntryHeaders(ctx, key, entry, answer);
      const expectedBody = s.head || notModified ? "" : entry.json;
      if (answer.text !== expectedBody) fail(`v1 get body should be ${expectedBody}`, answer);
      return answer;
    }
    case "vdel": {
      const key = poolKey(ctx.prefix, s.k);
      const entry = model.get(key);
      const { headers, holds } = condition(ctx, key, s.cond);
      const answer = await send(`/v1/kv/${pathKey(key, s.enc)}`, { method: "DELETE", headers });
      if (answer.status === 503) return answer;
      if (!holds) expectProblem(answer, 412, "precondition_failed", "v1 delete");
      else if (entry === undefined) expectProblem(answer, 404, "key_not_found", "v1 delete");
      else {
        expectStatus(answer, 204, "v1 delete");
        model.delete(key);
      }
      return answer;
    }
    case "patch": {
      const key = poolKey(ctx.prefix, s.k);
      const entry = model.get(key);
      const { headers, holds } = condition(ctx, key, s.cond);
      const answer = await send(`/v1/kv/${pathKey(key, s.enc)}`, {
        ...json(s.persist ? '{"persist":true}' : `{"ttl":${FAR_TTL}}`, headers),
        method: "PATCH",
      });
      if (answer.status === 503) return answer;
      if (!holds) expectProblem(answer, 412, "precondition_failed", "patch");
      else if (entry === undefined) expectProblem(answer, 404, "key_not_found", "patch");
      else {
        expectStatus(answer, 200, "patch");
        const body = JSON.parse(answer.text) as { version: number; expires_at: number | null };
        check(model.newVersion(body.version), answer);
        if ((body.expires_at !== null) === s.persist) fail("patch expires_at", answer);
        model.set(key, { ...entry, version: body.version, expires: !s.persist });
      }
      return answer;
    }
    case "incr": {
      const key = poolKey(ctx.prefix, s.k);
      const entry = model.get(key);
      const fields = [s.by === null ? null : `"by":${s.by}`, s.ttl ? `"ttl":${FAR_TTL}` : null].filter(
        (f) => f !== null,
      );
      const body = fields.length === 0 ? "" : `{${fields.join(",")}}`;
      const answer = await send(`/v1/kv/${pathKey(key, s.enc)}/incr`, body === "" ? { method: "POST" } : json(body));
      if (answer.status === 503) return answer;
      const next = incrText(entry?.json, s.by ?? 1);
      if (next === null) {
        expectProblem(answer, 409, "not_an_integer", "incr");
        return answer;
      }
      expectStatus(answer, 200, "incr");
      const match = /^\{"version":([0-9]+),"value":(-?[0-9]+)\}$/.exec(answer.text);
      if (match === null || match[2] !== next) fail(`incr should answer ${next}`, answer);
      const version = Number(match[1]);
      check(model.newVersion(version), answer);
      model.set(key, {
        json: next,
        version,
        expires: entry === undefined ? s.ttl : entry.expires,
        meta: entry?.meta ?? null,
      });
      return answer;
    }
    case "batch":
      return runBatch(ctx, s.ops, send);
    case "list": {
      const prefix = ctx.prefix + s.sub;
      const answer = await send(`/v1/kv?prefix=${encodeURIComponent(prefix)}&limit=1000`, {});
      if (answer.status === 503) return answer;
      expectStatus(answer, 200, "list");
      const body = JSON.parse(answer.text) as {
        keys: { key: string; version: number; expires_at: number | null; metadata: unknown }[];
        complete: boolean;
        cursor: string | null;
      };
      const expected = model.keys(prefix);
      const listed = body.keys.map((k) => k.key);
      if (JSON.stringify(listed) !== JSON.stringify(expected) || !body.complete || body.cursor !== null) {
        fail(`list should be ${JSON.stringify(expected)}`, answer);
      }
      for (const item of body.keys) {
        const entry = model.get(item.key);
        if (entry === undefined) fail(`listed ${JSON.stringify(item.key)}, which the model does not hold`, answer);
        check(model.seenVersion(item.key, item.version), answer);
        if ((item.expires_at !== null) !== entry.expires) fail(`listed expiry of ${JSON.stringify(item.key)}`, answer);
        if ((item.metadata === null ? null : JSON.stringify(item.metadata)) !== entry.meta)
          fail(`listed metadata of ${JSON.stringify(item.key)}`, answer);
      }
      return answer;
    }
  }
}
