// The floor: the least a worker can do for a request under workerd. It reads
// the body (every real handler must) and answers a constant small JSON. The
// bench sends it exactly the requests a scenario sends the KV worker, so the
// ratio worker/floor is what edge-kv costs on top of the runtime itself.
// Plain JavaScript: workerd loads this file as it is, without a build step.
const BODY = '{"message":"floor"}';

export default {
  async fetch(request) {
    if (request.body !== null) await request.arrayBuffer();
    return new Response(BODY, { headers: { "Content-Type": "application/json" } });
  },
};
