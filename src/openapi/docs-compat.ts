import { ExistsAnswer, HealthAnswer, MessageAnswer, SetBody, ValueAnswer } from "../schemas/compat";
import type { RouteDoc } from "./route-doc";

const keyParam = "The key, percent-encoded (a/b is a%2Fb)";

/** The compatible API, as the older services answered it. */
export const compatDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/",
    tag: "service",
    scope: "none",
    summary: "Health: the service runs, and which backend serves",
    responses: {
      200: {
        description: "Running",
        schema: HealthAnswer,
        example: { message: "KV Service is running", backend: "memory", status: "ok" },
      },
    },
  },
  {
    method: "post",
    path: "/set",
    tag: "compatible",
    scope: "write",
    summary: "Store a value under a key, optionally with a TTL",
    description: "A set without ttl clears any earlier TTL. Any JSON value is stored, null included.",
    body: { schema: SetBody, example: { key: "greeting", value: { text: "hello" }, ttl: 60 }, required: true },
    responses: {
      200: { description: "Stored", schema: MessageAnswer, example: { message: "Key 'greeting' stored successfully" } },
    },
    errors: [400, 413, 415],
  },
  {
    method: "get",
    path: "/get/{key}",
    tag: "compatible",
    scope: "read",
    summary: `Read a key's value. ${keyParam}`,
    responses: { 200: { description: "The value", schema: ValueAnswer, example: { value: { text: "hello" } } } },
    errors: [400, 404, 414],
  },
  {
    method: "delete",
    path: "/delete/{key}",
    tag: "compatible",
    scope: "write",
    summary: "Delete a key",
    responses: {
      200: {
        description: "Deleted",
        schema: MessageAnswer,
        example: { message: "Key 'greeting' deleted successfully" },
      },
    },
    errors: [400, 404, 414],
  },
  {
    method: "get",
    path: "/exists/{key}",
    tag: "compatible",
    scope: "read",
    summary: "Tell whether a key exists",
    responses: { 200: { description: "The answer", schema: ExistsAnswer, example: { key: "greeting", exists: true } } },
    errors: [400, 414],
  },
];
