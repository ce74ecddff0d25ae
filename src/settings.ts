import { ConfigError } from "./problems";

/** Which backend serves the store. */
export type BackendName = "memory" | "upstash";

/** The names of the worker's text settings (vars and secrets). */
export type SettingName = { [K in keyof Env]: Env[K] extends string ? K : never }[keyof Env];

/** Settings as configuration reads them: any of them may be absent or empty at run time. */
export type Settings = { readonly [K in SettingName]?: string | undefined };

/** Limits checked before any storage call. */
export interface Limits {
  maxKeyBytes: number;
  maxValueBytes: number;
  maxMetadataBytes: number;
  maxBatchOps: number;
  maxListLimit: number;
}

/** What the code uses when a setting is unset or empty; the documentation quotes these. */
export const DEFAULTS = {
  limits: {
    maxKeyBytes: 512,
    maxValueBytes: 1024 * 1024,
    maxMetadataBytes: 1024,
    maxBatchOps: 100,
    maxListLimit: 1000,
  } satisfies Limits,
  /** Keys a listing page holds when the request names no `limit` (capped by maxListLimit). */
  listPageSize: 100,
  upstashTimeoutMs: 2000,
  /** Milliseconds from which a storage call is logged as slow. */
  slowStorageMs: 500,
  /** Bytes one import request may carry. */
  maxImportBytes: 10 * 1024 * 1024,
  /** Changes the change log keeps. */
  changeLogSize: 10_000,
  /** Seconds an Idempotency-Key's outcome is kept. */
  idempotencyTtlSeconds: 86_400,
  watch: {
    /** Milliseconds between two reads of the change log (Upstash backend). */
    pollMs: 500,
    /** Reads of the log one watch makes before it ends (the client resumes with Last-Event-ID). */
    maxPolls: 45,
    /** Milliseconds of silence after which the stream sends a comment line. */
    keepAliveMs: 15_000,
  },
} as const;

/** Which requests get a log line of their own (Workers Logs records every invocation anyway). */
export type RequestLogging = "notable" | "all";

/** The worker's settings, parsed once from its bindings. */
export interface Config {
  backend: BackendName;
  /** Namespace prefix of every Redis key (KV_PREFIX; Upstash backend). */
  namespace: string;
  limits: Limits;
  upstash: { url: string; token: string; timeoutMs: number; slowMs: number };
  corsOrigins: string[];
  allowAnonymous: boolean;
  logRequests: RequestLogging;
  maxImportBytes: number;
  changeLogSize: number;
  idempotencyTtlSeconds: number;
  watch: { pollMs: number; maxPolls: number; keepAliveMs: number };
  /**
   * The first setting found missing or malformed. The data routes answer 503
   * `misconfigured` naming it; `GET /` reports it; the other public routes
   * serve on the defaults.
   */
  problem: ConfigError | null;
}

function text(settings: Settings, name: SettingName): string {
  return (settings[name] ?? "").trim();
}

function positiveInt(settings: Settings, name: SettingName, fallback: number, most = Number.MAX_SAFE_INTEGER): number {
  const raw = text(settings, name);
  if (raw === "") return fallback;
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) {
    throw new ConfigError(name, `${name} must be a positive whole number, got '${raw}'`);
  }
  if (Number(raw) > most) throw new ConfigError(name, `${name} must be at most ${most}, got '${raw}'`);
  return Number(raw);
}

function backendOf(settings: Settings): BackendName {
  const chosen = text(settings, "STORAGE_BACKEND").toLowerCase();
  const legacy = text(settings, "STORAGE_TYPE").toLowerCase();
  // The older services' STORAGE_TYPE (memory | redis) applies when STORAGE_BACKEND is empty.
  const name = chosen === "" ? legacy : chosen;
  // Unset means the deployable backend, which fails closed without its secrets and tokens.
  if (name === "" || name === "upstash" || name === "redis") return "upstash";
  if (name === "memory") return "memory";
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

function requestLoggingOf(settings: Settings): RequestLogging {
  const value = text(settings, "KV_LOG_REQUESTS").toLowerCase();
  if (value === "" || value === "notable") return "notable";
  if (value === "all") return "all";
  throw new ConfigError("KV_LOG_REQUESTS", `KV_LOG_REQUESTS must be 'notable' or 'all', got '${value}'`);
}

function upstashOf(settings: Settings, backend: BackendName, timeoutMs: number, slowMs: number): Config["upstash"] {
  const url = text(settings, "UPSTASH_REDIS_REST_URL");
  const token = text(settings, "UPSTASH_REDIS_REST_TOKEN");
  if (backend === "upstash") {
    if (url === "") {
      throw new ConfigError(
        "UPSTASH_REDIS_REST_URL",
        "UPSTASH_REDIS_REST_URL is not set; the upstash backend needs it (`wrangler secret put UPSTASH_REDIS_REST_URL`)",
      );
    }
    if (!/^https?:\/\/[^\s/?#]+/.test(url)) {
      throw new ConfigError("UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_URL must be an http(s) URL");
    }
    if (token === "") {
      throw new ConfigError(
        "UPSTASH_REDIS_REST_TOKEN",
        "UPSTASH_REDIS_REST_TOKEN is not set; the upstash backend needs it (`wrangler secret put UPSTASH_REDIS_REST_TOKEN`)",
      );
    }
  }
  return { url, token, timeoutMs, slowMs };
}

/**
 * Parses the worker's settings. Never throws: a missing or malformed setting
 * takes its default and the first such setting is kept as `problem`, so the
 * public routes still answer and the data routes refuse with its name.
 */
export function parseConfig(settings: Settings): Config {
  let problem: ConfigError | null = null;
  const read = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problem ??= error;
      return fallback;
    }
  };
  const setting = (name: SettingName, fallback: number, most?: number) =>
    read(() => positiveInt(settings, name, fallback, most), fallback);
  const backend = read(() => backendOf(settings), "upstash");
  const limits: Limits = {
    maxKeyBytes: setting("KV_MAX_KEY_BYTES", DEFAULTS.limits.maxKeyBytes),
    maxValueBytes: setting("KV_MAX_VALUE_BYTES", DEFAULTS.limits.maxValueBytes),
    maxMetadataBytes: setting("KV_MAX_METADATA_BYTES", DEFAULTS.limits.maxMetadataBytes),
    maxBatchOps: setting("KV_MAX_BATCH_OPS", DEFAULTS.limits.maxBatchOps),
    maxListLimit: setting("KV_MAX_LIST_LIMIT", DEFAULTS.limits.maxListLimit),
  };
  const timeoutMs = setting("UPSTASH_TIMEOUT_MS", DEFAULTS.upstashTimeoutMs);
  const slowMs = setting("KV_SLOW_STORAGE_MS", DEFAULTS.slowStorageMs);
  const config: Config = {
    backend,
    namespace: settings.KV_PREFIX ?? "",
    limits,
    upstash: read(() => upstashOf(settings, backend, timeoutMs, slowMs), { url: "", token: "", timeoutMs, slowMs }),
    corsOrigins: read(() => corsOriginsOf(settings), []),
    allowAnonymous: text(settings, "KV_ALLOW_ANONYMOUS").toLowerCase() === "true",
    logRequests: read(() => requestLoggingOf(settings), "notable"),
    maxImportBytes: setting("KV_MAX_IMPORT_BYTES", DEFAULTS.maxImportBytes),
    changeLogSize: setting("KV_CHANGE_LOG_SIZE", DEFAULTS.changeLogSize),
    idempotencyTtlSeconds: setting("KV_IDEMPOTENCY_TTL", DEFAULTS.idempotencyTtlSeconds),
    watch: {
      pollMs: setting("KV_WATCH_POLL_MS", DEFAULTS.watch.pollMs),
      maxPolls: setting("KV_WATCH_MAX_POLLS", DEFAULTS.watch.maxPolls),
      // Proxies close a quiet stream after about 30 s or more; a comment every 15 s at most keeps it open.
      keepAliveMs: setting("KV_WATCH_KEEPALIVE_MS", DEFAULTS.watch.keepAliveMs, DEFAULTS.watch.keepAliveMs),
    },
    problem: null,
  };
  config.problem = problem;
  return config;
}
