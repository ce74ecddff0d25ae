import { httpTransport, type Transport } from "../workflows/transport";
import type { ClientEnv } from "./env";

/** Which KV worker a run talks to, and how. */
export interface Target {
  transport: Transport;
  /** For answers: "service binding KV" or the URL (never the token). */
  description: string;
}

/** KV_URL is set but is not an absolute http(s) URL. */
export class TargetConfigError extends Error {
  override readonly name = "TargetConfigError";
}

/** The binding by default; the KV_URL worker over HTTP(S) when KV_URL is set. */
export function targetFor(env: ClientEnv): Target {
  const url = (env.KV_URL ?? "").trim();
  const token = (env.KV_TOKEN ?? "").trim();
  if (url === "") {
    const viaBinding = httpTransport((input, init) => env.KV.fetch(input, init), { baseUrl: "https://edge-kv", token });
    return { transport: viaBinding, description: "service binding KV" };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetConfigError(`KV_URL must be an absolute http(s) URL, got '${url}'`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TargetConfigError(`KV_URL must use http or https, got '${parsed.protocol}'`);
  }
  return { transport: httpTransport((input, init) => fetch(input, init), { baseUrl: url, token }), description: url };
}
