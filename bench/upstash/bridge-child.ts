// Runs the Upstash-compatible bridge (tools/upstash-bridge) in a process of
// its own, so that under load it never shares an event loop with the load
// generator. Usage: node --import tsx bridge-child.ts <redis-url> <token>.
// Prints one JSON line {"url": ...} when listening; exits when stdin closes.
import { startBridge } from "../../tools/upstash-bridge/index";

const [redisUrl, token] = process.argv.slice(2);
if (redisUrl === undefined || token === undefined) {
  console.error("usage: bridge-child.ts <redis-url> <token>");
  process.exit(2);
}
const bridge = await startBridge({ port: 0, redisUrl, token });
process.stdout.write(`${JSON.stringify({ url: bridge.url })}\n`);
const stop = () => void bridge.close().then(() => process.exit(0));
process.stdin.on("end", stop).resume();
process.once("SIGTERM", stop);
