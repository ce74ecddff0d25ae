/** What a key reads as through the API, to check what the console did. */
export interface ReadBack {
  status: number;
  text: string;
  version: string | null;
  expiresAt: number | null;
  metadata: string | null;
}

/** A small v1 client for seeding keys and checking results from Node, beside the browser. */
export class KvApi {
  constructor(
    private readonly base: string,
    private readonly token: string | null = null,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token === null ? extra : { ...extra, Authorization: `Bearer ${this.token}` };
  }

  /** Writes a value (JSON text); fails the test on anything but 200/201. */
  async put(key: string, valueText: string, options: { ttl?: number; metadata?: object } = {}): Promise<void> {
    const query = options.ttl === undefined ? "" : `?ttl=${options.ttl}`;
    const headers = this.headers({ "Content-Type": "application/json" });
    if (options.metadata !== undefined) headers["KV-Metadata"] = JSON.stringify(options.metadata);
    const response = await fetch(`${this.base}/v1/kv/${encodeURIComponent(key)}${query}`, {
      method: "PUT",
      headers,
      body: valueText,
    });
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(`PUT ${key} answered ${response.status}: ${await response.text()}`);
    }
  }

  /** Reads a key back: status, exact body text, version, expiry (unix ms) and metadata header. */
  async get(key: string): Promise<ReadBack> {
    const response = await fetch(`${this.base}/v1/kv/${encodeURIComponent(key)}`, { headers: this.headers() });
    const expires = response.headers.get("KV-Expires-At");
    return {
      status: response.status,
      text: await response.text(),
      version: response.headers.get("ETag")?.replaceAll('"', "") ?? null,
      expiresAt: expires === null ? null : Number(expires),
      metadata: response.headers.get("KV-Metadata"),
    };
  }

  /** The keys under a prefix in the store's order (every page). */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ prefix, limit: "1000" });
      if (cursor !== null) query.set("cursor", cursor);
      const response = await fetch(`${this.base}/v1/kv?${query}`, { headers: this.headers() });
      const page = (await response.json()) as { keys: { key: string }[]; cursor: string | null };
      keys.push(...page.keys.map((entry) => entry.key));
      cursor = page.cursor;
    } while (cursor !== null);
    return keys;
  }
}

/** A prefix no other test uses, with characters that need percent-encoding in it. */
export function uniquePrefix(label: string): string {
  return `${label} ${crypto.randomUUID().slice(0, 8)}/`;
}
