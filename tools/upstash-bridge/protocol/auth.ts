import { createHash, timingSafeEqual } from "node:crypto";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Checks an `Authorization` header against the bridge's token in constant
 * time (both sides are hashed first, so lengths leak nothing either).
 */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  const offered = match?.[1] ?? "";
  return timingSafeEqual(digest(offered), digest(token)) && offered !== "";
}
