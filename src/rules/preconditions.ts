import { ApiError } from "../problems";

/** What must hold for a write to apply. */
export type WriteCondition =
  | { kind: "always" }
  /** Only when the key does not exist (create only). */
  | { kind: "absent" }
  /** Only when the key exists at exactly this version. */
  | { kind: "version"; version: number };

const ENTITY_TAG = /^"([0-9]{1,15})"$/;

/** The `ETag` header value of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

function versionOf(header: string, name: string): number {
  const match = ENTITY_TAG.exec(header.trim());
  if (match === null) {
    throw new ApiError("invalid_precondition", {
      detail: `${name} must be one entity tag of the form "<version>" (as ETag gives it), got '${header}'`,
      extras: { header: name },
    });
  }
  return Number(match[1]);
}

/** The precondition headers of a request, as the route's header validator reads them. */
export interface PreconditionHeaders {
  "If-Match"?: string | undefined;
  "If-None-Match"?: string | undefined;
}

/**
 * The write condition of `If-Match: "<version>"` or (when `allowCreateOnly`,
 * on PUT) `If-None-Match: *`. Without either, the write is unconditional.
 */
export function writeConditionOf(headers: PreconditionHeaders, allowCreateOnly: boolean): WriteCondition {
  const ifMatch = headers["If-Match"];
  const ifNoneMatch = headers["If-None-Match"];
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new ApiError("invalid_precondition", { detail: "Send If-Match or If-None-Match, not both" });
  }
  if (ifMatch !== undefined) return { kind: "version", version: versionOf(ifMatch, "If-Match") };
  if (ifNoneMatch === undefined) return { kind: "always" };
  if (allowCreateOnly && ifNoneMatch.trim() === "*") return { kind: "absent" };
  throw new ApiError("invalid_precondition", {
    detail: allowCreateOnly ? "If-None-Match on a write must be *" : "If-None-Match is not supported on this method",
    extras: { header: "If-None-Match" },
  });
}

/** True when a read's `If-None-Match` names the current version (or is `*`): answer 304. */
export function notModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  const current = etagOf(version);
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed === current || trimmed === `W/${current}`;
  });
}

/** The 412 every failed precondition answers; nothing was changed. */
export function preconditionFailed(key: string): ApiError {
  return new ApiError("precondition_failed", {
    detail: `The precondition on key '${key}' does not hold (its version differs, or it does or does not exist); nothing was changed`,
    extras: { key },
  });
}
