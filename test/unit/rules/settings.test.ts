import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/problems";
import { type Config, DEFAULTS, parseConfig, type Settings } from "../../../src/settings";

const MEMORY: Settings = { STORAGE_BACKEND: "memory" };
const UPSTASH: Settings = {
  STORAGE_BACKEND: "upstash",
  UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "secret",
};

/** The setting named by the config's problem, with its message. */
function problemOf(config: Config): { setting: string; message: string } | null {
  return config.problem === null ? null : { setting: config.problem.setting, message: config.problem.message };
}

describe("the documented defaults are what the code uses when a setting is unset", () => {
  // wrangler.toml sets every one of them, so nothing else exercises the code's own defaults.
  const expected = {
    limits: {
      maxKeyBytes: 512,
      maxValueBytes: 1_048_576,
      maxMetadataBytes: 1_024,
      maxBatchOps: 100,
      maxListLimit: 1_000,
    },
    upstash: { url: "", token: "", timeoutMs: 2_000, slowMs: 500 },
    namespace: "",
    corsOrigins: [],
    allowAnonymous: false,
    logRequests: "notable",
    maxImportBytes: 10_485_760,
    changeLogSize: 10_000,
    idempotencyTtlSeconds: 86_400,
    watch: { pollMs: 500, maxPolls: 45, keepAliveMs: 15_000 },
  };

  it("from an empty environment (the Upstash backend, which then names its missing URL)", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ ...expected, backend: "upstash" });
    expect(problemOf(config)?.setting).toBe("UPSTASH_REDIS_REST_URL");
  });

  it("from settings that are present but empty or blank", () => {
    const blank = Object.fromEntries(
      [
        "KV_MAX_KEY_BYTES",
        "KV_MAX_VALUE_BYTES",
        "KV_MAX_METADATA_BYTES",
        "KV_MAX_BATCH_OPS",
        "KV_MAX_LIST_LIMIT",
        "UPSTASH_TIMEOUT_MS",
        "KV_SLOW_STORAGE_MS",
        "KV_MAX_IMPORT_BYTES",
        "KV_CHANGE_LOG_SIZE",
        "KV_IDEMPOTENCY_TTL",
        "KV_WATCH_POLL_MS",
        "KV_WATCH_MAX_POLLS",
        "KV_WATCH_KEEPALIVE_MS",
        "KV_CORS_ORIGINS",
        "KV_LOG_REQUESTS",
        "KV_ALLOW_ANONYMOUS",
      ].map((name) => [name, " "]),
    );
    const config = parseConfig({ ...blank, ...MEMORY });
    expect(config).toMatchObject({ ...expected, backend: "memory", problem: null });
  });

  it("agree with DEFAULTS and the listing page size", () => {
    expect(DEFAULTS).toMatchObject({
      limits: expected.limits,
      upstashTimeoutMs: 2_000,
      slowStorageMs: 500,
      maxImportBytes: 10_485_760,
      changeLogSize: 10_000,
      idempotencyTtlSeconds: 86_400,
      watch: expected.watch,
      listPageSize: 100,
    });
  });

  it("and wrangler.toml sets each limit to the same value", () => {
    const toml = readFileSync(new URL("../../../wrangler.toml", import.meta.url), "utf8");
    const vars = Object.fromEntries([...toml.matchAll(/^([A-Z_]+) = "(\d+)"$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(vars).toMatchObject({
      KV_MAX_KEY_BYTES: DEFAULTS.limits.maxKeyBytes,
      KV_MAX_VALUE_BYTES: DEFAULTS.limits.maxValueBytes,
      KV_MAX_METADATA_BYTES: DEFAULTS.limits.maxMetadataBytes,
      KV_MAX_BATCH_OPS: DEFAULTS.limits.maxBatchOps,
      KV_MAX_LIST_LIMIT: DEFAULTS.limits.maxListLimit,
      UPSTASH_TIMEOUT_MS: DEFAULTS.upstashTimeoutMs,
      KV_SLOW_STORAGE_MS: DEFAULTS.slowStorageMs,
      KV_MAX_IMPORT_BYTES: DEFAULTS.maxImportBytes,
      KV_CHANGE_LOG_SIZE: DEFAULTS.changeLogSize,
      KV_IDEMPOTENCY_TTL: DEFAULTS.idempotencyTtlSeconds,
    });
  });
});

describe("parseConfig", () => {
  it("reads numbers, trimmed, of up to ten digits", () => {
    const config = parseConfig({
      ...MEMORY,
      KV_MAX_KEY_BYTES: " 64 ",
      KV_MAX_VALUE_BYTES: "1",
      KV_MAX_METADATA_BYTES: "9999999999",
      KV_MAX_BATCH_OPS: "7",
      KV_MAX_LIST_LIMIT: "50",
      UPSTASH_TIMEOUT_MS: "300",
      KV_SLOW_STORAGE_MS: "250",
      KV_MAX_IMPORT_BYTES: "1000",
      KV_CHANGE_LOG_SIZE: "20",
      KV_IDEMPOTENCY_TTL: "60",
      KV_WATCH_POLL_MS: "10",
      KV_WATCH_MAX_POLLS: "3",
      KV_WATCH_KEEPALIVE_MS: "100",
    });
    expect(config).toMatchObject({
      limits: { maxKeyBytes: 64, maxValueBytes: 1, maxMetadataBytes: 9_999_999_999, maxBatchOps: 7, maxListLimit: 50 },
      upstash: { timeoutMs: 300, slowMs: 250 },
      maxImportBytes: 1000,
      changeLogSize: 20,
      idempotencyTtlSeconds: 60,
      watch: { pollMs: 10, maxPolls: 3, keepAliveMs: 100 },
      problem: null,
    });
  });

  it("takes a keep-alive of at most 15 s, and names a longer one as the problem", () => {
    expect(parseConfig({ ...MEMORY, KV_WATCH_KEEPALIVE_MS: "15000" })).toMatchObject({
      watch: { keepAliveMs: 15_000 },
      problem: null,
    });
    const longer = parseConfig({ ...MEMORY, KV_WATCH_KEEPALIVE_MS: "15001" });
    expect(longer.watch.keepAliveMs).toBe(15_000);
    expect(problemOf(longer)?.setting).toBe("KV_WATCH_KEEPALIVE_MS");
    expect(problemOf(longer)?.message).toContain("at most 15000");
  });

  it.each(["0", "-1", "1.5", "1e3", "abc", "01", "12345678901", "5 5"])(
    "keeps the default for %j and names the setting as the problem",
    (raw) => {
      const config = parseConfig({ ...MEMORY, KV_MAX_BATCH_OPS: raw });
      expect(config.limits.maxBatchOps).toBe(100);
      expect(config.problem).toBeInstanceOf(ConfigError);
      expect(problemOf(config)).toEqual({
        setting: "KV_MAX_BATCH_OPS",
        message: `KV_MAX_BATCH_OPS must be a positive whole number, got '${raw.trim()}'`,
      });
    },
  );

  it("keeps the first problem found", () => {
    const config = parseConfig({ ...MEMORY, KV_MAX_KEY_BYTES: "x", KV_MAX_BATCH_OPS: "y" });
    expect(problemOf(config)?.setting).toBe("KV_MAX_KEY_BYTES");
    expect(config.limits.maxBatchOps).toBe(100);
  });

  it("chooses the backend, the older services' STORAGE_TYPE applying when STORAGE_BACKEND is empty", () => {
    expect(parseConfig({ STORAGE_BACKEND: " Memory " }).backend).toBe("memory");
    expect(parseConfig({ STORAGE_TYPE: "MEMORY" }).backend).toBe("memory");
    expect(parseConfig({ STORAGE_BACKEND: "", STORAGE_TYPE: "memory" }).backend).toBe("memory");
    expect(parseConfig({ ...UPSTASH, STORAGE_TYPE: "memory" }).backend).toBe("upstash");
    expect(parseConfig({ ...UPSTASH, STORAGE_BACKEND: "Redis" })).toMatchObject({ backend: "upstash", problem: null });
    expect(parseConfig({ ...UPSTASH, STORAGE_BACKEND: "", STORAGE_TYPE: "redis" }).backend).toBe("upstash");
    const wrong = parseConfig({ STORAGE_BACKEND: "Disk" });
    expect(wrong.backend).toBe("upstash");
    expect(problemOf(wrong)).toEqual({
      setting: "STORAGE_BACKEND",
      message: "STORAGE_BACKEND must be 'memory' or 'upstash', got 'disk'",
    });
  });

  it("needs the Upstash URL and token for the Upstash backend only", () => {
    expect(parseConfig(UPSTASH)).toMatchObject({
      problem: null,
      upstash: { url: "https://eu1.upstash.io", token: "secret", timeoutMs: 2000 },
    });
    expect(parseConfig({ ...UPSTASH, UPSTASH_REDIS_REST_URL: " http://127.0.0.1:8080/ " }).upstash.url).toBe(
      "http://127.0.0.1:8080/",
    );
    expect(problemOf(parseConfig({ ...UPSTASH, UPSTASH_REDIS_REST_URL: "" }))).toEqual({
      setting: "UPSTASH_REDIS_REST_URL",
      message:
        "UPSTASH_REDIS_REST_URL is not set; the upstash backend needs it (`wrangler secret put UPSTASH_REDIS_REST_URL`)",
    });
    for (const url of ["eu1.upstash.io", "ftp://x", "https://", "https:// x", "xhttps://a"]) {
      expect(problemOf(parseConfig({ ...UPSTASH, UPSTASH_REDIS_REST_URL: url }))).toEqual({
        setting: "UPSTASH_REDIS_REST_URL",
        message: "UPSTASH_REDIS_REST_URL must be an http(s) URL",
      });
    }
    expect(problemOf(parseConfig({ ...UPSTASH, UPSTASH_REDIS_REST_TOKEN: " " }))).toEqual({
      setting: "UPSTASH_REDIS_REST_TOKEN",
      message:
        "UPSTASH_REDIS_REST_TOKEN is not set; the upstash backend needs it (`wrangler secret put UPSTASH_REDIS_REST_TOKEN`)",
    });
    const memory = parseConfig({ ...MEMORY, UPSTASH_REDIS_REST_URL: "not a url", UPSTASH_TIMEOUT_MS: "5" });
    expect(memory).toMatchObject({ problem: null, upstash: { url: "not a url", token: "", timeoutMs: 5 } });
  });

  it("keeps the timeout when the Upstash settings are wrong", () => {
    const config = parseConfig({
      ...UPSTASH,
      UPSTASH_REDIS_REST_URL: "",
      UPSTASH_TIMEOUT_MS: "123",
      KV_SLOW_STORAGE_MS: "45",
    });
    expect(config.upstash).toEqual({ url: "", token: "", timeoutMs: 123, slowMs: 45 });
  });

  it("reads the CORS allowlist as origins, as browsers send them", () => {
    const config = parseConfig({
      ...MEMORY,
      KV_CORS_ORIGINS: " https://App.example.com/ , ,http://localhost:5173,*",
    });
    expect(config.corsOrigins).toEqual(["https://app.example.com", "http://localhost:5173", "*"]);
    for (const entry of [
      "app.example.com",
      "ftp://a.example",
      "https://a.example/path",
      "https://a.example?q",
      "https://a.example#h",
      "https://u@a.example",
      "https://u:p@a.example",
      "**",
    ]) {
      const wrong = parseConfig({ ...MEMORY, KV_CORS_ORIGINS: `https://ok.example,${entry}` });
      expect(wrong.corsOrigins).toEqual([]);
      expect(problemOf(wrong)).toEqual({
        setting: "KV_CORS_ORIGINS",
        message: `KV_CORS_ORIGINS entries must be origins like https://app.example.com or *, got '${entry}'`,
      });
    }
  });

  it("reads request logging, anonymous access and the namespace", () => {
    expect(parseConfig({ ...MEMORY, KV_LOG_REQUESTS: " ALL " }).logRequests).toBe("all");
    expect(parseConfig({ ...MEMORY, KV_LOG_REQUESTS: "Notable" })).toMatchObject({
      logRequests: "notable",
      problem: null,
    });
    const wrong = parseConfig({ ...MEMORY, KV_LOG_REQUESTS: "Some" });
    expect(wrong.logRequests).toBe("notable");
    expect(problemOf(wrong)).toEqual({
      setting: "KV_LOG_REQUESTS",
      message: "KV_LOG_REQUESTS must be 'notable' or 'all', got 'some'",
    });
    expect(parseConfig({ ...MEMORY, KV_ALLOW_ANONYMOUS: " TRUE " }).allowAnonymous).toBe(true);
    expect(parseConfig({ ...MEMORY, KV_ALLOW_ANONYMOUS: "yes" }).allowAnonymous).toBe(false);
    expect(parseConfig({ ...MEMORY, KV_PREFIX: " app: " }).namespace).toBe(" app: ");
  });
});
