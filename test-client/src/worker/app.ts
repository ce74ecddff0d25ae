import { Hono } from "hono";
import { deletion } from "../workflows/deletion";
import { overwrite } from "../workflows/overwrite";
import { readKey } from "../workflows/read-key";
import { standardContext } from "../workflows/runtime";
import { runSuite, SUITE } from "../workflows/suite";
import { runWorkflow, type Workflow } from "../workflows/workflow";
import type { ClientEnv } from "./env";
import { keyAfter } from "./path-key";
import { jsonAnswer, problemAnswer, suiteAnswer, workflowAnswer } from "./respond";
import { TargetConfigError, targetFor } from "./target";

const ENDPOINTS = ["/test_deletion", "/test_overwrite", "/test_get/{key}", "/test_all"];

/** The HTTP status of a test_get answer for each reading. */
const READING_STATUS = { found: 200, not_found: 404, refused: 400 } as const;

/** Builds the test client's Hono app. */
export function createClientApp() {
  const app = new Hono<{ Bindings: ClientEnv }>();

  const single = (workflow: Workflow) =>
    app.get(`/test_${workflow.name}`, async (c) => {
      const target = targetFor(c.env);
      return workflowAnswer(await runWorkflow(workflow, standardContext(target.transport)), target.description);
    });
  single(deletion);
  single(overwrite);

  app.get("/", (c) =>
    jsonAnswer(200, {
      message: "KV test client is running",
      target: targetFor(c.env).description,
      endpoints: ENDPOINTS,
      workflows: SUITE.map((workflow) => workflow.name),
    }),
  );

  app.get("/test_get/:key{.+}", async (c) => {
    const key = keyAfter(c.req.url, "/test_get/");
    if (key === null) {
      return problemAnswer(
        400,
        "key_bad_encoding",
        "Bad Request",
        "The key in the path is not valid percent-encoded UTF-8",
      );
    }
    const target = targetFor(c.env);
    const report = await runWorkflow(readKey(key), standardContext(target.transport));
    const status = report.outcome === "passed" ? READING_STATUS[report.fields.result] : 200;
    return workflowAnswer(report, target.description, status);
  });

  app.get("/test_all", async (c) => {
    const target = targetFor(c.env);
    return suiteAnswer(await runSuite(standardContext(target.transport)), target.description);
  });

  app.notFound((c) =>
    problemAnswer(
      404,
      "route_not_found",
      "Not Found",
      `No route for ${c.req.method} ${c.req.path}; try ${ENDPOINTS.join(", ")}`,
    ),
  );
  app.onError((error) => {
    if (error instanceof TargetConfigError) {
      return problemAnswer(500, "misconfigured", "Internal Server Error", error.message, { setting: "KV_URL" });
    }
    console.error("test client error", error);
    return problemAnswer(500, "internal_error", "Internal Server Error", "The test client failed unexpectedly");
  });
  return app;
}
