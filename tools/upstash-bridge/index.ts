export { type BridgeOptions, type RunningBridge, startBridge } from "./server";
