import { hasMessage } from "./checks";
import type { Workflow } from "./workflow";

/** `GET /` answers the older services' liveness message. */
export const health: Workflow<Record<string, never>> = {
  name: "health",
  title: "Health",
  async run(session) {
    await session.call("health", { method: "GET", path: "/" }, 200, hasMessage("KV Service is running"));
    return { details: "GET / answered 'KV Service is running'", fields: {} };
  },
};
