import { describe, expect, it } from "vitest";
import { parseSmokeArgs, UsageError } from "../../src/cli/args";

describe("the smoke CLI's arguments", () => {
  it("reads --url, --token, --timeout and --json", () => {
    const options = parseSmokeArgs(["--url", "https://kv.example", "--token", "t", "--timeout", "500", "--json"], {});
    expect(options).toEqual({ url: "https://kv.example", token: "t", timeoutMs: 500, json: true });
  });

  it("takes the token from KV_TOKEN when --token is absent, and defaults the rest", () => {
    expect(parseSmokeArgs(["--url", "http://127.0.0.1:8787"], { KV_TOKEN: "env-token" })).toEqual({
      url: "http://127.0.0.1:8787",
      token: "env-token",
      timeoutMs: 10_000,
      json: false,
    });
  });

  it("answers null for --help", () => {
    expect(parseSmokeArgs(["--help"], {})).toBeNull();
  });

  it.each([
    [[], "--url is required"],
    [["--url", "ftp://example.com"], "--url must use http or https"],
    [["--url", "localhost:8787"], "--url must use http or https"],
    [["--url", "not a url"], "--url must be an absolute http(s) URL"],
    [["--url", "http://x", "--timeout", "soon"], "--timeout must be a positive whole number"],
    [["--url", "http://x", "--timeout", "0"], "--timeout must be a positive whole number"],
    [["--url", "http://x", "--verbose"], "Unknown option '--verbose'"],
    [["--url", "http://x", "extra"], "Unexpected argument 'extra'"],
  ])("refuses %j", (args, message) => {
    expect(() => parseSmokeArgs(args, {})).toThrow(UsageError);
    expect(() => parseSmokeArgs(args, {})).toThrow(message);
  });
});
