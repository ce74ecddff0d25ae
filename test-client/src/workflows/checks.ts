import { isObject, type JsonValue, jsonEqual, preview } from "./json";
import { isJsonMediaType, type KvReply } from "./transport";

/** An answer arrived with the expected status but the wrong content. */
export class CheckError extends Error {
  override readonly name = "CheckError";
}

/** A check of one answer; throws CheckError when the answer is wrong. */
export type Check = (reply: KvReply) => void;

/** The answer's body parsed as JSON; a CheckError if it is not JSON. */
export function jsonBody(reply: KvReply): unknown {
  if (!isJsonMediaType(reply.mediaType)) {
    throw new CheckError(`expected a JSON body, got Content-Type '${reply.mediaType || "none"}'`);
  }
  try {
    return JSON.parse(reply.body);
  } catch {
    throw new CheckError(`the body is not valid JSON: ${preview(reply.body)}`);
  }
}

function objectBody(reply: KvReply): Record<string, unknown> {
  const body = jsonBody(reply);
  if (!isObject(body)) throw new CheckError(`expected a JSON object, got ${preview(body)}`);
  return body;
}

/** `{"message": <text>}` exactly as the compatible API words it. */
export function hasMessage(text: string): Check {
  return (reply) => {
    const body = objectBody(reply);
    if (body.message !== text) throw new CheckError(`expected message ${preview(text)}, got ${preview(body.message)}`);
  };
}

/** `{"value": <expected>}`, a stored `null` included. */
export function hasValue(expected: unknown): Check {
  return (reply) => {
    const body = objectBody(reply);
    if (!("value" in body)) throw new CheckError(`expected a 'value' member, got ${preview(body)}`);
    if (!jsonEqual(body.value, expected)) {
      throw new CheckError(`expected value ${preview(expected)}, got ${preview(body.value)}`);
    }
  };
}

/** The `value` member of a `{"value": ...}` body. */
export function valueMember(reply: KvReply): JsonValue {
  const body = objectBody(reply);
  if (!("value" in body)) throw new CheckError(`expected a 'value' member, got ${preview(body)}`);
  return body.value as JsonValue;
}

/** `{"key": <key>, "exists": <exists>}`. */
export function hasExists(key: string, exists: boolean): Check {
  return (reply) => {
    const body = objectBody(reply);
    if (body.key !== key) throw new CheckError(`expected key ${preview(key)}, got ${preview(body.key)}`);
    if (body.exists !== exists) throw new CheckError(`expected exists ${exists}, got ${preview(body.exists)}`);
  };
}

/** An RFC 9457 problem body with a `detail` and a `code`, and the reply's status. */
export const isProblem: Check = (reply) => {
  if (reply.mediaType !== "application/problem+json") {
    throw new CheckError(`expected Content-Type application/problem+json, got '${reply.mediaType || "none"}'`);
  }
  const body = objectBody(reply);
  if (typeof body.detail !== "string" || body.detail === "") {
    throw new CheckError(`expected a problem 'detail' string, got ${preview(body.detail)}`);
  }
  if (typeof body.code !== "string" || body.code === "") {
    throw new CheckError(`expected a problem 'code' string, got ${preview(body.code)}`);
  }
  if (body.status !== undefined && body.status !== reply.status) {
    throw new CheckError(`the problem says status ${preview(body.status)} but the answer was ${reply.status}`);
  }
};

/** The problem body of a 404 for a key (code `key_not_found`), not one for an unknown route. */
export const isKeyNotFound: Check = (reply) => {
  isProblem(reply);
  const code = objectBody(reply).code;
  if (code !== "key_not_found") throw new CheckError(`expected problem code 'key_not_found', got ${preview(code)}`);
};
