import { type Check, CheckError, isKeyNotFound, isProblem, jsonBody, valueMember } from "./checks";
import type { JsonValue } from "./json";
import type { Workflow } from "./workflow";

/** What the KV worker says about a caller's key. */
export type KeyReading =
  | { key: string; result: "found"; value: JsonValue }
  | { key: string; result: "not_found" }
  /** The KV worker refused the key itself (400/414), e.g. too long or reserved. */
  | { key: string; result: "refused"; reason: string };

const readable: Check = (reply) => {
  if (reply.status === 200) valueMember(reply);
  else if (reply.status === 404) isKeyNotFound(reply);
  else isProblem(reply);
};

function problemDetail(body: unknown): string {
  const detail = typeof body === "object" && body !== null && "detail" in body ? body.detail : undefined;
  if (typeof detail !== "string") throw new CheckError("expected a problem 'detail' string");
  return detail;
}

/**
 * Reads a caller's key without writing anything: first a key no one wrote
 * must read as 404 (so a server that answers 200 to everything is caught),
 * then `get` and `exists` on the key must agree.
 */
export function readKey(key: string): Workflow<KeyReading> {
  return {
    name: "get",
    title: "Get",
    async run(session) {
      await session.get("get a key no one wrote", session.key("absent"), 404, isKeyNotFound);
      const reply = await session.get("get", key, [200, 404, 400, 414], readable);
      if (reply.status === 400 || reply.status === 414) {
        const reason = problemDetail(jsonBody(reply));
        return {
          message: `The KV worker refused the key '${key}'`,
          details: reason,
          fields: { key, result: "refused", reason },
        };
      }
      const found = reply.status === 200;
      await session.exists("exists agrees with get", key, found);
      if (!found) {
        return {
          message: `Key '${key}' not found`,
          details: "get answered 404 and exists answered false",
          fields: { key, result: "not_found" },
        };
      }
      return {
        message: `Key '${key}' found`,
        details: "get answered 200 and exists answered true",
        fields: { key, result: "found", value: valueMember(reply) },
      };
    },
  };
}
