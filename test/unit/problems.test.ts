import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/problems";

describe("ApiError", () => {
  it("records no stack frames (an answer to the client, thrown on every 4xx) and leaves the stack limit as it was", () => {
    const before = Error.stackTraceLimit;
    const error = new ApiError("key_not_found", { detail: "Key 'a' not found" });
    expect(error.stack).toBe("ApiError: Key 'a' not found");
    expect(Error.stackTraceLimit).toBe(before);
    // Other errors keep their frames.
    expect(new Error("other").stack).toContain("\n    at ");
  });

  it("keeps the error it was made from, with that error's own stack", () => {
    const cause = new Error("socket closed");
    const error = new ApiError("storage_unavailable", { detail: "Storage failed", cause });
    expect(error.cause).toBe(cause);
    expect(cause.stack).toContain("\n    at ");
  });
});
