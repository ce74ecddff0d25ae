import { JsonValue } from "../schemas/common";
import {
  BatchAnswer,
  BatchBody,
  IncrAnswer,
  IncrBody,
  ListAnswer,
  ListQuery,
  PatchBody,
  PutQuery,
  ReindexAnswer,
  WriteAnswer,
} from "../schemas/v1";
import type { ResponseDoc, RouteDoc } from "./route-doc";

const entryHeaders = {
  ETag: 'The version, quoted: "42"',
  "KV-Expires-At": "Unix milliseconds of the expiry (absent without one)",
  "KV-Metadata": "The metadata object, as JSON (absent without one)",
};

const valueResponse: ResponseDoc = {
  description: "The stored value itself",
  schema: JsonValue,
  example: { text: "hello" },
  headers: entryHeaders,
};

const written = (description: string): ResponseDoc => ({
  description,
  schema: WriteAnswer,
  example: { key: "greeting", version: 42, expires_at: null },
  headers: { ETag: "The new version" },
});

/** The v1 resource API. */
export const v1Docs: RouteDoc[] = [
  {
    method: "put",
    path: "/v1/kv/{key}",
    tag: "v1",
    scope: "write",
    summary: "Write a value; the body is the JSON value itself",
    description:
      "Creates (201) or replaces (200) the key and gives it the next store-wide version. " +
      "If-Match makes it apply only to that version, If-None-Match: * only when the key is missing; otherwise 412 and nothing changes.",
    query: PutQuery,
    headers: {
      "If-Match": 'Apply only if the key is at this version: "42"',
      "If-None-Match": "*: create only",
      "KV-Metadata": "A JSON object of at most 1 KiB stored with the value; a PUT without it clears it",
    },
    body: { schema: JsonValue, example: { text: "hello" }, required: true },
    responses: { 200: written("Replaced"), 201: written("Created") },
    errors: [400, 412, 413, 414, 415],
  },
  {
    method: "get",
    path: "/v1/kv/{key}",
    tag: "v1",
    scope: "read",
    summary: "Read a value with its version, expiry and metadata",
    headers: { "If-None-Match": 'The version you hold: "42" answers 304 when it is current' },
    responses: { 200: valueResponse, 304: { description: "Not modified", headers: { ETag: "The version" } } },
    errors: [400, 404, 414],
  },
  {
    method: "head",
    path: "/v1/kv/{key}",
    tag: "v1",
    scope: "read",
    summary: "The headers of GET, without the body",
    responses: { 200: { description: "The key exists", headers: entryHeaders } },
    errors: [404],
  },
  {
    method: "delete",
    path: "/v1/kv/{key}",
    tag: "v1",
    scope: "write",
    summary: "Delete a key",
    headers: { "If-Match": 'Delete only if the key is at this version: "42"' },
    responses: { 204: { description: "Deleted" } },
    errors: [400, 404, 412, 414],
  },
  {
    method: "patch",
    path: "/v1/kv/{key}",
    tag: "v1",
    scope: "write",
    summary: "Change or remove the expiry without rewriting the value",
    headers: { "If-Match": 'Apply only if the key is at this version: "42"' },
    body: { schema: PatchBody, example: { ttl: 3600 }, required: true },
    responses: { 200: written("Expiry changed") },
    errors: [400, 404, 412, 414, 415],
  },
  {
    method: "post",
    path: "/v1/kv/{key}/incr",
    tag: "v1",
    scope: "write",
    summary: "Add to an integer counter atomically; a missing key starts at 0",
    body: { schema: IncrBody, example: { by: 5, ttl: 60 } },
    responses: {
      200: {
        description: "The new value",
        schema: IncrAnswer,
        example: { value: 6, version: 43 },
        headers: { ETag: "The new version" },
      },
    },
    errors: [400, 409, 414, 415],
  },
  {
    method: "get",
    path: "/v1/kv",
    tag: "v1",
    scope: "read",
    summary: "List keys in byte-wise lexicographic order, a page at a time",
    description: "Never lists an expired key; a key that exists throughout a listing appears exactly once.",
    query: ListQuery,
    responses: {
      200: {
        description: "A page",
        schema: ListAnswer,
        example: {
          keys: [{ key: "greeting", version: 42, expires_at: null, metadata: null }],
          cursor: null,
          complete: true,
        },
      },
    },
    errors: [400],
  },
  {
    method: "post",
    path: "/v1/batch",
    tag: "v1",
    scope: "write",
    summary: "Run up to 100 operations in one storage round trip (not atomic)",
    description:
      "Every operation is checked first; a bad one refuses the whole batch. Each result carries its own status.",
    body: {
      schema: BatchBody,
      example: {
        ops: [
          { op: "put", key: "a", value: 1 },
          { op: "get", key: "a" },
          { op: "incr", key: "n", by: 2 },
        ],
      },
      required: true,
    },
    responses: {
      200: {
        description: "One result per operation, in order",
        schema: BatchAnswer,
        example: {
          results: [
            { op: "put", key: "a", status: 201, version: 7, expires_at: null },
            { op: "get", key: "a", status: 200, version: 7, expires_at: null, value: 1 },
            { op: "incr", key: "n", status: 200, version: 8, value: 2 },
          ],
        },
      },
    },
    errors: [400, 413, 415],
  },
  {
    method: "post",
    path: "/v1/admin/reindex",
    tag: "admin",
    scope: "admin",
    summary: "Add keys written outside the API (older services, redis-cli) to the ordered listing",
    responses: { 200: { description: "Done", schema: ReindexAnswer, example: { indexed: 3 } } },
  },
];
