import type { WriteCondition } from "../store/types";
import { ApiError } from "./problem";

const ENTITY_TAG = /^"([0-9]{1,15})"$/;

/** The `ETag` header value of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

function versionOf(header: string, name: string): number {
  const match = ENTITY_TAG.exec(header.trim());
  if (match === null) {
    throw new ApiError(
      400,
      "invalid_precondition",
      `${name} must be one entity tag of the form "<version>" (as ETag gives it), got '${header}'`,
      { header: name },
    );
  }
  return Number(match[1]);
}

/**
 * The write condition of `If-Match: "<version>"` or (on PUT only, when
 * `allowCreateOnly`) `If-None-Match: *`. Without either, the write is unconditional.
 */
export function writeConditionOf(headers: Headers, allowCreateOnly: boolean): WriteCondition {
  const ifMatch = headers.get("if-match");
  const ifNoneMatch = headers.get("if-none-match");
  if (ifMatch !== null && ifNoneMatch !== null) {
    throw new ApiError(400, "invalid_precondition", "Send If-Match or If-None-Match, not both");
  }
  if (ifMatch !== null) return { kind: "version", version: versionOf(ifMatch, "If-Match") };
  if (ifNoneMatch === null) return { kind: "always" };
  if (allowCreateOnly && ifNoneMatch.trim() === "*") return { kind: "absent" };
  throw new ApiError(
    400,
    "invalid_precondition",
    allowCreateOnly ? "If-None-Match on a write must be *" : "If-None-Match is not supported on this method",
    { header: "If-None-Match" },
  );
}

/** True when a read's `If-None-Match` names the current version (or is `*`): answer 304. */
export function notModified(headers: Headers, version: number): boolean {
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch === null) return false;
  const current = etagOf(version);
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed === current || trimmed === `W/${current}`;
  });
}

/** The 412 every failed precondition answers; nothing was changed. */
export function preconditionFailed(key: string): ApiError {
  return new ApiError(
    412,
    "precondition_failed",
    `The precondition on key '${key}' does not hold (its version differs, or it does or does not exist); nothing was changed`,
    { key },
  );
}
