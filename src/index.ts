import { createApp } from "./app";

export type { AppType } from "./app";

export default createApp();
