import type * as v from "valibot";

/** A documented response of a route. */
export interface ResponseDoc {
  description: string;
  schema?: v.GenericSchema;
  example?: unknown;
  /** Defaults to application/json. */
  mediaType?: string;
  /** Response headers: name → description. */
  headers?: Record<string, string>;
}

/** What the OpenAPI document says of one route; its schemas are the ones that validate it. */
export interface RouteDoc {
  method: "get" | "head" | "put" | "post" | "patch" | "delete";
  /** The OpenAPI path template, e.g. `/v1/kv/{key}`. */
  path: string;
  summary: string;
  description?: string;
  tag: "compatible" | "v1" | "admin" | "service";
  /** The token scope the route needs; `none` for open routes. */
  scope: "none" | "read" | "write" | "admin";
  query?: v.GenericSchema;
  /** Request headers: name → description. */
  headers?: Record<string, string>;
  body?: { schema: v.GenericSchema; example: unknown; description?: string; required?: boolean };
  /** Success and route-specific responses by status. */
  responses: Record<number, ResponseDoc>;
  /** Error statuses this route can answer with a problem body (auth and 503 are added for data routes). */
  errors?: number[];
}
