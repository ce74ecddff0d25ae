import { hasExpired } from "../rules/expiry";

interface Deadline {
  at: number;
  key: string;
}

/**
 * A min-heap of (deadline, key) pairs. The Map backend pops due deadlines on
 * every call, so keys that expire and are never read again still leave memory.
 * Entries may be stale (the key was rewritten); the caller checks on pop.
 */
export class ExpiryQueue {
  private heap: Deadline[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, key: string): void {
    const heap = this.heap;
    heap.push({ at, key });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Removes and returns every pair due at or before `now`. */
  popDue(now: number): Deadline[] {
    const due: Deadline[] = [];
    while (this.heap.length > 0 && hasExpired(this.heap[0]!.at, now)) due.push(this.popMin());
    return due;
  }

  /** Replaces the content with these pairs (used to drop stale ones). */
  rebuild(pairs: Deadline[]): void {
    this.heap = [];
    for (const pair of pairs) this.push(pair.at, pair.key);
  }

  private popMin(): Deadline {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.at < heap[smallest]!.at) smallest = left;
        if (right < heap.length && heap[right]!.at < heap[smallest]!.at) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
