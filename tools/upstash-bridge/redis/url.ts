/** Where and how to reach redis-server. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username: string | null;
  password: string | null;
  /** Logical database selected on every connection. */
  db: number;
}

/** Parses `redis://[[user]:password@]host[:port][/db]`. Throws on anything else. */
export function parseRedisUrl(text: string): RedisEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Not a redis:// URL: '${text}'`);
  }
  if (url.protocol !== "redis:") throw new Error(`Only redis:// URLs are supported, got '${text}'`);
  const path = url.pathname.replace(/^\//, "");
  if (path !== "" && !/^[0-9]+$/.test(path)) throw new Error(`The database in '${text}' must be a number`);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
    port: url.port === "" ? 6379 : Number(url.port),
    username: url.username === "" ? null : decodeURIComponent(url.username),
    password: url.password === "" ? null : decodeURIComponent(url.password),
    db: path === "" ? 0 : Number(path),
  };
}

/** The URL without its password, for logs and health answers. */
export function describeEndpoint(endpoint: RedisEndpoint): string {
  const auth = endpoint.password === null ? "" : `${endpoint.username ?? ""}:***@`;
  return `redis://${auth}${endpoint.host}:${endpoint.port}/${endpoint.db}`;
}
