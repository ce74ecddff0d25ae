import fc from "fast-check";
import type { HostileStep } from "./steps";

const JSON_CT = { "Content-Type": "application/json" };

function h(
  name: string,
  method: string,
  path: string,
  body: string | number[] | null,
  expect: number[],
  headers: Record<string, string> = JSON_CT,
): HostileStep {
  return { t: "hostile", name, method, path, headers, body, expect };
}

/** Path routes taking a key, as [method, path before the key, path after it, body]. */
const KEY_ROUTES: [string, string, string, string | null][] = [
  ["GET", "/get/", "", null],
  ["DELETE", "/delete/", "", null],
  ["GET", "/exists/", "", null],
  ["GET", "/v1/kv/", "", null],
  ["DELETE", "/v1/kv/", "", null],
  ["PUT", "/v1/kv/", "", "1"],
  ["PATCH", "/v1/kv/", "", '{"persist":true}'],
  ["POST", "/v1/kv/", "/incr", null],
];

const BAD_ESCAPES = ["%ZZ", "%", "%E0%A4", "%ED%A0%80", "%C0%AF", "%FF", "a%2", "%u0041", "%F0%9F%98", "%80"];

const badEncoding = fc
  .tuple(fc.constantFrom(...KEY_ROUTES), fc.constantFrom(...BAD_ESCAPES))
  .map(([[method, before, after, body], bad]) =>
    h(`bad escape ${bad}`, method, `${before}{ep}${bad}${after}`, body, [400]),
  );

/** A key over the 512-byte limit, of ASCII or multi-byte characters. */
const hugeKey = fc
  .tuple(fc.integer({ min: 513, max: 3000 }), fc.constantFrom("x", "é", "😀", "\u0001"))
  .map(([bytes, char]) => char.repeat(Math.ceil(bytes / Buffer.byteLength(char))));

const hugeKeys = fc.oneof(
  fc
    .tuple(fc.constantFrom(...KEY_ROUTES), hugeKey)
    .map(([[method, before, after, body], key]) =>
      h(`huge key in ${before}`, method, `${before}${encodeURIComponent(key)}${after}`, body, [414]),
    ),
  hugeKey.map((key) => h("huge key in /set", "POST", "/set", JSON.stringify({ key, value: 1 }), [400])),
  hugeKey.map((key) =>
    h("huge key in a batch", "POST", "/v1/batch", JSON.stringify({ ops: [{ op: "put", key, value: 1 }] }), [400]),
  ),
);

const RESERVED = "__edgekv__:";
const reservedKeys = fc.constantFrom(
  ...KEY_ROUTES.map(([method, before, after, body]) =>
    h(`reserved key in ${before}`, method, `${before}${encodeURIComponent(`${RESERVED}x`)}${after}`, body, [400]),
  ),
  h("reserved key in /set", "POST", "/set", JSON.stringify({ key: `${RESERVED}x`, value: 1 }), [400]),
  h(
    "reserved key in a batch",
    "POST",
    "/v1/batch",
    JSON.stringify({ ops: [{ op: "get", key: `${RESERVED}v` }] }),
    [400],
  ),
  h("empty key in /set", "POST", "/set", '{"key":"","value":1}', [400]),
  h("empty key in a batch", "POST", "/v1/batch", '{"ops":[{"op":"put","key":"","value":1}]}', [400]),
);

const BAD_SET_BODIES = [
  "",
  "{",
  "[]",
  "null",
  "42",
  '"text"',
  '{"key":1,"value":1}',
  '{"key":null,"value":1}',
  '{"key":["{p}a"],"value":1}',
  '{"value":1}',
  '{"key":"{p}a"}',
  '{"key":"{p}a","value":1,"ttl":0}',
  '{"key":"{p}a","value":1,"ttl":-5}',
  '{"key":"{p}a","value":1,"ttl":1.5}',
  '{"key":"{p}a","value":1,"ttl":"10"}',
  '{"key":"{p}a","value":1,"ttl":true}',
  '{"key":"{p}a","value":1,"ttl":1e12}',
  '{"key":"{p}a","value":1,"ttl":99999999999999999999}',
  '{"key":"{p}a","value":1,"ttl":[]}',
  '{"key":"{p}a","value":tru}',
  '{"key":"{p}a","value":1}}',
  '{"key":"{p}a","value":NaN}',
  '{"key":"{p}a" "value":1}',
  "\u0000",
];

const badSetBodies = fc.oneof(
  fc.constantFrom(...BAD_SET_BODIES).map((body) => h(`bad /set body ${body}`, "POST", "/set", body, [400])),
  fc.string({ maxLength: 60, unit: "binary" }).map((body) => h("random /set body", "POST", "/set", body, [400])),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => h("random /set bytes", "POST", "/set", [...bytes], [400])),
  fc
    .constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "json",
    )
    .map((type) => h(`/set as ${type}`, "POST", "/set", '{"key":"{p}a","value":1}', [415], { "Content-Type": type })),
  fc.constant(
    h(
      "invalid UTF-8 in a /set string",
      "POST",
      "/set",
      [...Buffer.from('{"key":"{p}a","value":"'), 0xc3, 0x28, ...Buffer.from('"}')],
      [400],
    ),
  ),
);

const putPath = "/v1/kv/{ep}a";
const badPuts = fc.constantFrom(
  h("PUT ttl=abc", "PUT", `${putPath}?ttl=abc`, "1", [400]),
  h("PUT ttl=0", "PUT", `${putPath}?ttl=0`, "1", [400]),
  h("PUT ttl=-1", "PUT", `${putPath}?ttl=-1`, "1", [400]),
  h("PUT ttl=1e3", "PUT", `${putPath}?ttl=1e3`, "1", [400]),
  h("PUT ttl too precise", "PUT", `${putPath}?ttl=1.0001`, "1", [400]),
  h("PUT expires_at in the past", "PUT", `${putPath}?expires_at=1`, "1", [400]),
  h("PUT two expiries", "PUT", `${putPath}?ttl=60&expires_at=9999999999`, "1", [400]),
  h("PUT keep_ttl=2", "PUT", `${putPath}?keep_ttl=2`, "1", [400]),
  h("PUT weak If-Match", "PUT", putPath, "1", [400], { ...JSON_CT, "If-Match": 'W/"1"' }),
  h("PUT If-Match not a version", "PUT", putPath, "1", [400], { ...JSON_CT, "If-Match": '"abc"' }),
  h("PUT If-Match unquoted", "PUT", putPath, "1", [400], { ...JSON_CT, "If-Match": "1" }),
  h("PUT If-Match list", "PUT", putPath, "1", [400], { ...JSON_CT, "If-Match": '"1", "2"' }),
  h("PUT If-Match and If-None-Match", "PUT", putPath, "1", [400], {
    ...JSON_CT,
    "If-Match": '"1"',
    "If-None-Match": "*",
  }),
  h("PUT If-None-Match a version", "PUT", putPath, "1", [400], { ...JSON_CT, "If-None-Match": '"1"' }),
  h("PUT metadata array", "PUT", putPath, "1", [400], { ...JSON_CT, "KV-Metadata": "[]" }),
  h("PUT metadata not JSON", "PUT", putPath, "1", [400], { ...JSON_CT, "KV-Metadata": "nope" }),
  h("PUT metadata string", "PUT", putPath, "1", [400], { ...JSON_CT, "KV-Metadata": '"s"' }),
  h("PUT metadata null", "PUT", putPath, "1", [400], { ...JSON_CT, "KV-Metadata": "null" }),
  h("PUT metadata too large", "PUT", putPath, "1", [413], {
    ...JSON_CT,
    "KV-Metadata": JSON.stringify({ m: "x".repeat(1100) }),
  }),
  // With a byte body node:http writes the header block as Latin-1: the header holds the bytes C3 28, not UTF-8.
  h("PUT metadata bad UTF-8", "PUT", putPath, [0x31], [400], { ...JSON_CT, "KV-Metadata": '{"m":"\u00c3\u0028"}' }),
  h("PUT malformed JSON", "PUT", putPath, "{", [400]),
  h("PUT empty body", "PUT", putPath, "", [400]),
  h("PUT as text/plain", "PUT", putPath, "1", [415], { "Content-Type": "text/plain" }),
  h("PUT two JSON values", "PUT", putPath, "1 2", [400]),
);

const incrPath = "/v1/kv/{ep}a/incr";
const patchPath = "/v1/kv/{ep}a";
const badSmallBodies = fc.constantFrom(
  h("incr by a string", "POST", incrPath, '{"by":"x"}', [400]),
  h("incr by a fraction", "POST", incrPath, '{"by":1.5}', [400]),
  h("incr by a huge number", "POST", incrPath, '{"by":1e300}', [400]),
  h("incr body an array", "POST", incrPath, "[]", [400]),
  h("incr negative ttl", "POST", incrPath, '{"by":1,"ttl":-1}', [400]),
  h("incr malformed", "POST", incrPath, "{", [400]),
  h("incr as text/plain", "POST", incrPath, '{"by":1}', [415], { "Content-Type": "text/plain" }),
  h("incr body too large", "POST", incrPath, `{"by":1,"pad":"${"x".repeat(5000)}"}`, [413]),
  h("PATCH without a choice", "PATCH", patchPath, "{}", [400]),
  h("PATCH empty body", "PATCH", patchPath, "", [400]),
  h("PATCH two choices", "PATCH", patchPath, '{"ttl":1,"persist":true}', [400]),
  h("PATCH persist false", "PATCH", patchPath, '{"persist":false}', [400]),
  h("PATCH negative ttl", "PATCH", patchPath, '{"ttl":-1}', [400]),
  h("PATCH body an array", "PATCH", patchPath, "[1]", [400]),
  h("PATCH If-None-Match", "PATCH", patchPath, '{"persist":true}', [400], { ...JSON_CT, "If-None-Match": "*" }),
);

const badBatches = fc.oneof(
  fc.constantFrom(
    h("batch without ops", "POST", "/v1/batch", "{}", [400]),
    h("batch of no ops", "POST", "/v1/batch", '{"ops":[]}', [400]),
    h(
      "batch put metadata an array",
      "POST",
      "/v1/batch",
      '{"ops":[{"op":"put","key":"{p}a","value":1,"metadata":[]}]}',
      [400],
    ),
    h("batch ops an object", "POST", "/v1/batch", '{"ops":{}}', [400]),
    h("batch body an array", "POST", "/v1/batch", "[]", [400]),
    h("batch body null", "POST", "/v1/batch", "null", [400]),
    h("batch unknown op", "POST", "/v1/batch", '{"ops":[{"op":"set","key":"{p}a","value":1}]}', [400]),
    h("batch put without value", "POST", "/v1/batch", '{"ops":[{"op":"put","key":"{p}a"}]}', [400]),
    h("batch get without key", "POST", "/v1/batch", '{"ops":[{"op":"get"}]}', [400]),
    h("batch incr by a string", "POST", "/v1/batch", '{"ops":[{"op":"incr","key":"{p}a","by":"1"}]}', [400]),
    h("batch as text/plain", "POST", "/v1/batch", '{"ops":[{"op":"get","key":"{p}a"}]}', [415], {
      "Content-Type": "text/plain",
    }),
    h(
      "batch with one bad op among good ones (nothing runs)",
      "POST",
      "/v1/batch",
      '{"ops":[{"op":"put","key":"{p}a","value":"batch"},{"op":"delete","key":"{p}b"},{"op":"get","key":"__edgekv__:x"}]}',
      [400],
    ),
  ),
  fc
    .integer({ min: 101, max: 150 })
    .map((n) =>
      h(
        `batch of ${n} ops`,
        "POST",
        "/v1/batch",
        JSON.stringify({ ops: Array.from({ length: n }, () => ({ op: "put", key: "{p}a", value: 1 })) }),
        [413],
      ),
    ),
);

const badListings = fc.constantFrom(
  h("list limit=0", "GET", "/v1/kv?prefix={ep}&limit=0", null, [400]),
  h("list limit=1001", "GET", "/v1/kv?prefix={ep}&limit=1001", null, [400]),
  h("list limit=abc", "GET", "/v1/kv?prefix={ep}&limit=abc", null, [400]),
  h("list bad cursor", "GET", "/v1/kv?prefix={ep}&cursor=garbage", null, [400]),
  h(
    "list cursor of another prefix",
    "GET",
    `/v1/kv?prefix={ep}&cursor=${Buffer.from('{"p":"zz","a":"zz"}').toString("base64url")}`,
    null,
    [400],
  ),
);

const noRoutes = fc.oneof(
  fc.constantFrom(
    h("GET /nope", "GET", "/nope", null, [404]),
    h("PUT /get/{key}", "PUT", "/get/{ep}a", "1", [405]),
    h("POST /v1/kv", "POST", "/v1/kv", "1", [405]),
    h("GET /v1/batch", "GET", "/v1/batch", null, [405]),
    h("DELETE /set", "DELETE", "/set", null, [405]),
    h("GET /set", "GET", "/set", null, [405]),
    h("POST /v1/kv/{key}", "POST", "/v1/kv/{ep}a", "1", [405]),
    h("GET /v1/admin/reindex", "GET", "/v1/admin/reindex", null, [405]),
    h("PATCH /", "PATCH", "/", "1", [405]),
    h("GET /get/ without a key", "GET", "/get/", null, [404]),
    h("GET /v2/kv/{key}", "GET", "/v2/kv/{ep}a", null, [404]),
    h("GET /getx/{key}", "GET", "/getx/{ep}a", null, [404]),
  ),
  fc
    .tuple(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"), fc.string({ maxLength: 30, unit: "binary" }))
    .map(([method, tail]) => h(`${method} /zz/<random>`, method, `/zz/${encodeURIComponent(tail)}`, null, [404])),
);

const badAuth = fc
  .tuple(
    fc.constantFrom<[string, string | null]>(
      ["no Authorization", null],
      ["an unknown token", "Bearer not-a-configured-token-0000"],
      ["a malformed token", "Bearer not a token"],
      ["another scheme", "Basic dXNlcjpwYXNz"],
      ["an empty bearer", "Bearer "],
    ),
    fc.constantFrom<[string, string, string | null]>(
      ["POST", "/set", '{"key":"{p}a","value":"intruder"}'],
      ["DELETE", "/v1/kv/{ep}a", null],
      ["GET", "/get/{ep}a", null],
    ),
  )
  .map(([[label, authorization], [method, path, body]]): HostileStep => {
    const headers: Record<string, string> = { ...JSON_CT };
    if (authorization !== null) headers.Authorization = authorization;
    return {
      ...h(`${method} ${path} with ${label}`, method, path, body, [401], headers),
      anonymous: authorization === null,
    };
  });

/** Requests the API must refuse with a 4xx problem, changing nothing. */
export const hostile: fc.Arbitrary<HostileStep> = fc.oneof(
  badEncoding,
  hugeKeys,
  reservedKeys,
  badSetBodies,
  badPuts,
  badSmallBodies,
  badBatches,
  badListings,
  noRoutes,
  badAuth,
);
