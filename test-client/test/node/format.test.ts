import { describe, expect, it } from "vitest";
import { formatReport, paletteFor } from "../../src/cli/format";
import type { SuiteReport } from "../../src/workflows/suite";

const report: SuiteReport = {
  outcome: "failed",
  message: "1 of 1 workflows failed: deletion",
  details: "",
  workflows: [{ workflow: "deletion", outcome: "failed", message: "Deletion test failed", details: "" }],
  steps: [
    {
      workflow: "deletion",
      step: "set",
      method: "POST",
      path: "/set",
      expected_status: 200,
      actual_status: 200,
      pass: true,
      duration_ms: 3,
    },
    {
      workflow: "deletion",
      step: "exists after delete",
      method: "GET",
      path: "/exists/k",
      expected_status: 200,
      actual_status: 200,
      pass: false,
      duration_ms: 1.5,
      request_id: "req-1",
      error: "expected exists false, got true",
    },
  ],
  failed_steps: [],
};

describe("the smoke CLI's report", () => {
  it("colours PASS green and FAIL red for a terminal", () => {
    const text = formatReport(report, "http://kv", 1234, paletteFor(true));
    expect(text).toContain("\u001b[32mPASS\u001b[0m  deletion: set");
    expect(text).toContain("\u001b[31mFAIL\u001b[0m  deletion: exists after delete");
  });

  it("is plain text otherwise, with the reason under the failing step", () => {
    const text = formatReport(report, "http://kv", 1234, paletteFor(false));
    expect(text).not.toContain("\u001b[");
    expect(text).toContain(
      "  FAIL  deletion: exists after delete  (GET /exists/k → 200, expected 200, 1.5 ms)\n        expected exists false, got true [X-Request-Id req-1]",
    );
    expect(text).toContain("1 of 1 workflows failed: deletion in 1.2 s");
  });
});
