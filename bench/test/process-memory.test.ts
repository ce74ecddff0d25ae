import { describe, expect, it } from "vitest";
import { peakResidentBytes, resetPeakResident, residentBytes, sampleResident } from "../process-memory";

const MiB = 1024 * 1024;
const onLinux = process.platform === "linux";

describe.runIf(onLinux)("process memory from /proc", () => {
  it("sees memory a process touches, in its samples and in its high-water mark after a reset", async () => {
    const before = residentBytes(process.pid) ?? 0;
    expect(resetPeakResident(process.pid)).toBe(true);
    const sampler = sampleResident(process.pid, 5);
    const block = Buffer.alloc(64 * MiB, 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const sampled = sampler.stop() ?? 0;
    expect(block[block.length - 1]).toBe(1);
    expect(sampled - before).toBeGreaterThan(48 * MiB);
    expect((peakResidentBytes(process.pid) ?? 0) - before).toBeGreaterThan(48 * MiB);
  });

  it("answers null for a process that does not exist", () => {
    expect(residentBytes(2 ** 22 + 1)).toBeNull();
    expect(resetPeakResident(2 ** 22 + 1)).toBe(false);
  });
});
