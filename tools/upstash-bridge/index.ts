export { startBridge, type BridgeOptions, type RunningBridge } from "./server";
