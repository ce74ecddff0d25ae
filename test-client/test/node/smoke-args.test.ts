import { describe, expect, it } from "vitest";
import { parseSmokeArgs, UsageError } from "../../src/cli/args";

describe("the smoke CLI's arguments", () => {
  it("reads --url, --timeout and --json, and the token from KV_TOKEN (trimmed)", () => {
    const options = parseSmokeArgs(["--url", "https://kv.example", "--timeout", "500", "--json"], {
      KV_TOKEN: " env-token-0123456789 \n",
    });
    expect(options).toEqual({ url: "https://kv.example", token: "env-token-0123456789", timeoutMs: 500, json: true });
  });

  it("defaults to no token, a 10 s timeout and text output", () => {
    expect(parseSmokeArgs(["--url", "http://127.0.0.1:8787"], {})).toEqual({
      url: "http://127.0.0.1:8787",
      token: "",
      timeoutMs: 10_000,
      json: false,
    });
  });

  it("refuses a token on the command line, without repeating it", () => {
    for (const args of [
      ["--url", "http://x", "--token", "cli-token-0123456789"],
      ["--url", "http://x", "--token=cli-token-0123456789"],
    ]) {
      expect(() => parseSmokeArgs(args, {})).toThrow(UsageError);
      expect(() => parseSmokeArgs(args, {})).toThrow("put the token in the KV_TOKEN environment variable");
      expect(() => parseSmokeArgs(args, {})).not.toThrow("cli-token-0123456789");
    }
  });

  it.each(["two words", "line\nbreak", 'quote"d', "é-token"])("refuses KV_TOKEN %j without repeating it", (token) => {
    expect(() => parseSmokeArgs(["--url", "http://x"], { KV_TOKEN: token })).toThrow("KV_TOKEN is not a bearer token");
    expect(() => parseSmokeArgs(["--url", "http://x"], { KV_TOKEN: token })).not.toThrow(token);
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
