import type { TestProject } from "vitest/node";
import { deadUrl, startLiar } from "./liar";

/** Global setup of the "test-client" project: runs in Node, starts the fake KV server. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const liar = await startLiar();
  project.provide("liarBaseUrl", liar.url("honest").replace(/\/honest$/, ""));
  project.provide("deadUrl", await deadUrl());
  return () => liar.close();
}
