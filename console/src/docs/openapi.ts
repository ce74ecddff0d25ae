// The parts of the OpenAPI 3.1 document (GET /openapi.json) that the /docs page reads.

/** One parameter of an operation. */
export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema?: { enum?: string[] };
}

/** One documented answer. */
export interface DocumentedResponse {
  description: string;
  content?: Record<string, { example?: unknown }>;
}

/** One operation: a method on a path. */
export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, DocumentedResponse>;
  "x-scope"?: string;
}

/** The document. */
export interface OpenApiDocument {
  info: { title: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

/** An operation with the method and path it is reached at. */
export interface Located {
  method: string;
  path: string;
  operation: Operation;
  id: string;
}

/** Every operation of the document, grouped under its first tag, in the document's order. */
export function operationsByTag(doc: OpenApiDocument): { name: string; description: string; operations: Located[] }[] {
  const groups = (doc.tags ?? []).map((tag) => ({
    name: tag.name,
    description: tag.description ?? "",
    operations: [] as Located[],
  }));
  const other = { name: "other", description: "", operations: [] as Located[] };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const id = operation.operationId ?? `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
      const group = groups.find((candidate) => operation.tags?.includes(candidate.name)) ?? other;
      group.operations.push({ method, path, operation, id });
    }
  }
  return [...groups, other].filter((group) => group.operations.length > 0);
}

/** The request path with each `{name}` replaced by its percent-encoded value, and the query string. */
export function requestPath(path: string, pathValues: Record<string, string>, query: Record<string, string>): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathValues[name] ?? ""));
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== ""));
  const text = search.toString();
  return text === "" ? filled : `${filled}?${text}`;
}
