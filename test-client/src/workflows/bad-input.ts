import { isProblem } from "./checks";
import type { Workflow } from "./workflow";

/** Bad /set bodies get 400 problem bodies, and a refused write stores nothing. */
export const badInput: Workflow<Record<string, never>> = {
  name: "bad_input",
  title: "Bad input",
  async run(session) {
    const set = (body: string) => ({ method: "POST" as const, path: "/set", body });
    await session.call("set without key", set('{"value":"orphan"}'), 400, isProblem);
    await session.call("set with malformed JSON", set('{"key": '), 400, isProblem);
    const key = session.key("refused");
    session.mayHaveWritten(key);
    await session.call("set with ttl -1", set(JSON.stringify({ key, value: 1, ttl: -1 })), 400, isProblem);
    await session.exists("exists after refused set", key, false);
    return {
      details:
        "A body without key, malformed JSON and a negative ttl each got 400 with a problem body; nothing was stored",
      fields: {},
    };
  },
};
