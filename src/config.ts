import type { BackendName } from "./store/types";

/** Limits checked before any storage call. */
export interface Limits {
  maxKeyBytes: number;
  maxValueBytes: number;
  maxMetadataBytes: number;
  maxBatchOps: number;
  maxListLimit: number;
}

/** The worker's settings, parsed once from its bindings. */
export interface Config {
  backend: BackendName;
  /** Namespace prefix of every Redis key (Upstash backend). */
  prefix: string;
  limits: Limits;
  upstash: { url: string; token: string; timeoutMs: number };
  corsOrigins: string[];
  allowAnonymous: boolean;
}

/** A setting that is missing or malformed; names the setting. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

/** Bindings as configuration sees them: any of them may be absent at run time. */
export type Settings = { readonly [K in keyof Env]?: string | undefined };

function text(settings: Settings, name: keyof Env): string {
  return (settings[name] ?? "").trim();
}

function positiveInt(settings: Settings, name: keyof Env, fallback: number): number {
  const raw = text(settings, name);
  if (raw === "") return fallback;
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) {
    throw new ConfigError(name, `${name} must be a positive whole number, got '${raw}'`);
  }
  return Number(raw);
}

function backendOf(settings: Settings): BackendName {
  const chosen = text(settings, "STORAGE_BACKEND").toLowerCase();
  const legacy = text(settings, "STORAGE_TYPE").toLowerCase();
  // The wrangler.toml default (memory) yields to the older services' STORAGE_TYPE.
  const name = chosen === "" || (chosen === "memory" && legacy !== "") ? legacy : chosen;
  if (name === "" || name === "memory") return "memory";
  if (name === "upstash" || name === "redis") return "upstash";
  throw new ConfigError("STORAGE_BACKEND", `STORAGE_BACKEND must be 'memory' or 'upstash', got '${name}'`);
}

function corsOriginOf(entry: string): string {
  if (entry === "*") return entry;
  const bad = () =>
    new ConfigError(
      "KV_CORS_ORIGINS",
      `KV_CORS_ORIGINS entries must be origins like https://app.example.com or *, got '${entry}'`,
    );
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw bad();
  }
  const isHttp = url.protocol === "https:" || url.protocol === "http:";
  if (!isHttp || url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "") throw bad();
  return url.origin;
}

/** The CORS allowlist: comma-separated origins, normalised as browsers send them in `Origin`. */
function corsOriginsOf(settings: Settings): string[] {
  return text(settings, "KV_CORS_ORIGINS")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "")
    .map(corsOriginOf);
}

/**
 * Parses the worker's settings. Throws a ConfigError naming the first setting
 * that is malformed; missing Upstash credentials are reported later, when the
 * store is opened, so that the health route can still answer.
 */
export function parseConfig(settings: Settings): Config {
  return {
    backend: backendOf(settings),
    prefix: settings.KV_PREFIX ?? "",
    limits: {
      maxKeyBytes: positiveInt(settings, "KV_MAX_KEY_BYTES", 512),
      maxValueBytes: positiveInt(settings, "KV_MAX_VALUE_BYTES", 1024 * 1024),
      maxMetadataBytes: positiveInt(settings, "KV_MAX_METADATA_BYTES", 1024),
      maxBatchOps: positiveInt(settings, "KV_MAX_BATCH_OPS", 100),
      maxListLimit: positiveInt(settings, "KV_MAX_LIST_LIMIT", 1000),
    },
    upstash: {
      url: text(settings, "UPSTASH_REDIS_REST_URL"),
      token: text(settings, "UPSTASH_REDIS_REST_TOKEN"),
      timeoutMs: positiveInt(settings, "UPSTASH_TIMEOUT_MS", 2000),
    },
    corsOrigins: corsOriginsOf(settings),
    allowAnonymous: text(settings, "KV_ALLOW_ANONYMOUS").toLowerCase() === "true",
  };
}

const cache = new WeakMap<object, Config>();

/** Parses settings once per bindings object (workerd reuses it across requests). */
export function configFor(settings: Settings): Config {
  let config = cache.get(settings);
  if (config === undefined) {
    config = parseConfig(settings);
    cache.set(settings, config);
  }
  return config;
}
