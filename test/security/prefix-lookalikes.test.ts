import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { groupRoutes, routeSpecOf } from "../../src/http/route";
import { type Fetch, jsonInit, problemOf } from "../support/http";
import { expectUntouched, TEAM_PREFIX, TOKENS, tokenApp, withToken, writeSentinel } from "./tokens";

// A token limited to "team/" must refuse every key that merely contains "team/" or
// resembles it: the prefix check is "starts with", not "contains" nor "is a prefix of".
// Each key-taking route is called with the team token of the scope it needs.

const app = tokenApp();
const admin = withToken(app, TOKENS.admin);
const readTeam = withToken(app, TOKENS.readTeam);
const writeTeam = withToken(app, TOKENS.writeTeam);
const enc = encodeURIComponent;

/** Keys outside TEAM_PREFIX that contain it, or that it starts with. */
function lookalikes(): { name: string; key: string }[] {
  const id = crypto.randomUUID();
  return [
    { name: "contains the prefix after another segment", key: `other/${TEAM_PREFIX}${id}` },
    { name: "contains the prefix after one character", key: `x${TEAM_PREFIX}${id}` },
    { name: "is the prefix minus its last character", key: TEAM_PREFIX.slice(0, -1) },
  ];
}

/** How a refused call must answer. */
type Refusal = "403" | "failed line";

interface KeyedCase {
  /** The route as Hono registers it, its key parameter written {key}; "HEAD path" for the HEAD of a GET route. */
  route: string;
  /** The team token that holds the scope the call needs (inside the prefix). */
  caller: Fetch;
  refusal?: Refusal;
  /** Calls the route on `key`; `inside` is a key inside the prefix, for calls that name two keys. */
  call(f: Fetch, key: string, inside: string): Promise<Response>;
}

const KEYED: KeyedCase[] = [
  { route: "POST /set", caller: writeTeam, call: (f, key) => f("/set", jsonInit("POST", { key, value: "after" })) },
  { route: "GET /get/{key}", caller: readTeam, call: (f, key) => f(`/get/${enc(key)}`) },
  {
    route: "DELETE /delete/{key}",
    caller: writeTeam,
    call: (f, key) => f(`/delete/${enc(key)}`, { method: "DELETE" }),
  },
  { route: "GET /exists/{key}", caller: readTeam, call: (f, key) => f(`/exists/${enc(key)}`) },
  { route: "PUT /v1/kv/{key}", caller: writeTeam, call: (f, key) => f(`/v1/kv/${enc(key)}`, jsonInit("PUT", "after")) },
  { route: "GET /v1/kv/{key}", caller: readTeam, call: (f, key) => f(`/v1/kv/${enc(key)}`) },
  { route: "HEAD /v1/kv/{key}", caller: readTeam, call: (f, key) => f(`/v1/kv/${enc(key)}`, { method: "HEAD" }) },
  {
    route: "DELETE /v1/kv/{key}",
    caller: writeTeam,
    call: (f, key) => f(`/v1/kv/${enc(key)}`, { method: "DELETE" }),
  },
  {
    route: "PATCH /v1/kv/{key}",
    caller: writeTeam,
    call: (f, key) => f(`/v1/kv/${enc(key)}`, jsonInit("PATCH", { ttl: 600 })),
  },
  {
    route: "POST /v1/kv/{key}/incr",
    caller: writeTeam,
    call: (f, key) => f(`/v1/kv/${enc(key)}/incr`, jsonInit("POST", { by: 1 })),
  },
  {
    route: "POST /v1/batch",
    caller: readTeam,
    call: (f, key, inside) =>
      f(
        "/v1/batch",
        jsonInit("POST", {
          ops: [
            { op: "get", key: inside },
            { op: "get", key },
          ],
        }),
      ),
  },
  {
    route: "POST /v1/batch",
    caller: writeTeam,
    call: (f, key, inside) =>
      f(
        "/v1/batch",
        jsonInit("POST", {
          ops: [
            { op: "put", key: inside, value: 1 },
            { op: "put", key, value: "after" },
          ],
        }),
      ),
  },
  {
    route: "POST /v1/txn",
    caller: writeTeam,
    call: (f, key, inside) =>
      f("/v1/txn", jsonInit("POST", { checks: [{ key, present: true }], ops: [{ op: "put", key: inside, value: 1 }] })),
  },
  {
    route: "POST /v1/txn",
    caller: writeTeam,
    call: (f, key, inside) =>
      f(
        "/v1/txn",
        jsonInit("POST", {
          checks: [{ key: inside, absent: true }],
          ops: [
            { op: "put", key: inside, value: 1 },
            { op: "put", key, value: "after" },
          ],
        }),
      ),
  },
  {
    route: "POST /v1/import",
    caller: writeTeam,
    refusal: "failed line",
    call: (f, key) =>
      f("/v1/import", {
        method: "POST",
        headers: { "Content-Type": "application/x-ndjson" },
        body: `${JSON.stringify({ key, value: "after" })}\n`,
      }),
  },
];

/** Routes that take a key prefix in the query. */
const PREFIXED: { route: string; path: (prefix: string) => string }[] = [
  { route: "GET /v1/kv", path: (prefix) => `/v1/kv?prefix=${enc(prefix)}` },
  { route: "GET /v1/export", path: (prefix) => `/v1/export?prefix=${enc(prefix)}` },
  { route: "GET /v1/watch", path: (prefix) => `/v1/watch?prefix=${enc(prefix)}` },
];

/** Store-wide routes: no key, so no prefix token reaches them at all. */
const STORE_WIDE = ["POST /v1/admin/reindex"];

/** Writes the sentinel value 41 and returns its ETag, so any later write shows as a new version. */

/** A refused call's status; a stream that was not refused is cancelled, so the test ends. */
async function statusOf(res: Response): Promise<number> {
  if (res.status !== 403) await res.body?.cancel();
  return res.status;
}

describe("the lookalike cases cover every data route", () => {
  it("each route a declaration serves with a scope is listed here (a new route must be added)", () => {
    const declared: string[] = [];
    for (const [id, handlers] of groupRoutes(createApp().routes)) {
      const spec = routeSpecOf(handlers[0]);
      if (spec === undefined || spec.scope === "public") continue;
      // "GET /v1/kv/:key{[\s\S]+}" is listed here as "GET /v1/kv/{key}".
      const named = id.replace(/:key\{[^}]*\}/, "{key}");
      declared.push(named);
      if (spec.head !== undefined) declared.push(named.replace(/^GET /, "HEAD "));
    }
    const covered = [...KEYED.map((c) => c.route), ...PREFIXED.map((c) => c.route), ...STORE_WIDE];
    expect([...new Set(covered)].sort()).toEqual([...new Set(declared)].sort());
  });
});

describe.each(KEYED)("$route with a team token", (route) => {
  it.each(lookalikes())("refuses a key that $name ($key)", async ({ key }) => {
    const inside = `${TEAM_PREFIX}${crypto.randomUUID()}`;
    const etag = await writeSentinel(admin, key);
    const res = await route.call(route.caller, key, inside);
    if (route.refusal === "failed line") {
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ imported: 0, failed: [{ line: 1, code: "forbidden" }] });
    } else {
      expect(await statusOf(res)).toBe(403);
      if (!route.route.startsWith("HEAD")) expect(await problemOf(res)).toMatchObject({ code: "forbidden" });
    }
    await expectUntouched(admin, key, etag);
    // Nothing of the request ran: the key inside the prefix was not written either.
    expect((await admin(`/v1/kv/${enc(inside)}`)).status).toBe(404);
  });

  it("serves a key inside the prefix (the refusal above is the prefix's doing)", async () => {
    const inside = `${TEAM_PREFIX}${crypto.randomUUID()}`;
    await writeSentinel(admin, inside);
    const res = await route.call(route.caller, inside, `${TEAM_PREFIX}${crypto.randomUUID()}`);
    expect([401, 403]).not.toContain(res.status);
    expect(res.status).toBeLessThan(500);
    if (route.refusal === "failed line") expect(await res.json()).toMatchObject({ imported: 1, failed: [] });
  });
});

describe.each(PREFIXED)("$route with the read team token", (route) => {
  const prefixes = [`other/${TEAM_PREFIX}`, `x${TEAM_PREFIX}`, TEAM_PREFIX.slice(0, -1)];
  it.each(prefixes)("refuses the prefix '%s'", async (prefix) => {
    const res = await readTeam(route.path(prefix));
    expect(await statusOf(res)).toBe(403);
    expect(await problemOf(res)).toMatchObject({ code: "forbidden", scope: "read" });
  });

  it("serves a prefix inside its own", async () => {
    const res = await readTeam(route.path(`${TEAM_PREFIX}sub/`));
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });
});

describe.each(STORE_WIDE)("%s", (id) => {
  it("refuses an admin token limited to a prefix", async () => {
    const teamAdmin = "admin-team-token-0123456789";
    const f = withToken(tokenApp({ KV_ADMIN_TOKENS: `${TOKENS.admin},${teamAdmin}@${TEAM_PREFIX}` }), teamAdmin);
    const [method = "", path = ""] = id.split(" ");
    const res = await f(path, { method });
    expect(res.status).toBe(403);
    expect(await problemOf(res)).toMatchObject({ code: "forbidden", scope: "admin" });
  });
});
