// Preloaded with NODE_OPTIONS="--require .../offline.cjs" into every Node
// process a test starts: the machine looks offline. Every DNS lookup of a name
// other than the loopback fails as it does without a network (ENOTFOUND), and
// the name is appended to the file named by EDGE_KV_OFFLINE_LOG.
const dns = require("node:dns");
const { appendFileSync } = require("node:fs");

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
const log = process.env.EDGE_KV_OFFLINE_LOG;
const lookup = dns.lookup;

dns.lookup = function offlineLookup(hostname, options, callback) {
  const done = typeof options === "function" ? options : callback;
  if (LOOPBACK.has(hostname)) return lookup.call(dns, hostname, options, callback);
  if (log) appendFileSync(log, `${hostname}\n`);
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  Object.assign(error, { code: "ENOTFOUND", errno: -3008, syscall: "getaddrinfo", hostname });
  process.nextTick(done, error);
  return {};
};
