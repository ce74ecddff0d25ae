import { SingleBar } from "cli-progress";

/** Where progress goes: a live bar on a terminal, nothing otherwise (the caller prints a summary). */
export interface Progress {
  /** `keys` done so far; `bytes` read so far, out of the total given at start (import). */
  update(keys: number, bytes: number): void;
  /** Removes the bar, so that the summary line follows on a clean line. */
  stop(): void;
}

/** Keys per second since `startedMs`, rounded for display. */
export function keysPerSecond(keys: number, startedMs: number, nowMs = performance.now()): number {
  const seconds = (nowMs - startedMs) / 1000;
  return seconds <= 0 ? 0 : Math.round(keys / seconds);
}

/**
 * A progress bar on `stream` when it is a terminal, else a no-op: redirected
 * output and logs get only the final summary. With `totalBytes`, the bar fills
 * by bytes read and gives an ETA; without it (an export, whose size is not
 * known ahead), it shows the count and the rate only.
 */
export function startProgress(
  stream: NodeJS.WriteStream,
  label: string,
  totalBytes: number | null,
  startedMs = performance.now(),
): Progress {
  if (stream.isTTY !== true) return { update() {}, stop() {} };
  const format =
    totalBytes === null
      ? `${label} {keys} keys | {rate} keys/s | {duration_formatted}`
      : `${label} [{bar}] {percentage}% | {keys} keys | {rate} keys/s | ETA {eta_formatted}`;
  const bar = new SingleBar({
    format,
    stream,
    fps: 5,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    barCompleteChar: "#",
    barIncompleteChar: "-",
  });
  bar.start(totalBytes ?? 0, 0, { keys: 0, rate: 0 });
  return {
    update(keys, bytes) {
      bar.update(totalBytes === null ? 0 : bytes, { keys, rate: keysPerSecond(keys, startedMs) });
    },
    stop() {
      bar.stop();
    },
  };
}
