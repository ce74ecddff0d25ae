import type { NotFoundHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { ApiError, problemResponse } from "./problem";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * Answers requests no route took: 405 with `Allow` when the path exists under
 * other methods, else 404. Both as problem bodies.
 */
export function unmatchedHandler(routes: () => RouterRoute[]): NotFoundHandler {
  let router: TrieRouter<string> | undefined;
  return (c) => {
    if (router === undefined) {
      router = new TrieRouter<string>();
      for (const route of routes()) {
        if (route.method !== "ALL") router.add(route.method, route.path, route.method);
      }
    }
    const path = c.req.path;
    const allowed = METHODS.filter((method) => router!.match(method, path)[0].length > 0);
    if (allowed.includes("GET") && !allowed.includes("HEAD")) allowed.push("HEAD");
    if (allowed.length > 0) {
      return problemResponse(
        new ApiError(
          405,
          "method_not_allowed",
          `${c.req.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`,
          { allowed },
          { Allow: allowed.join(", ") },
        ),
      );
    }
    return problemResponse(new ApiError(404, "route_not_found", `No route for ${c.req.method} ${path}`));
  };
}
