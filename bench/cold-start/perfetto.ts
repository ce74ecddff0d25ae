/**
 * Reads the slices of a Perfetto trace written by `workerd --perfetto-trace`.
 * Only what workerd writes is understood: track events on the main thread's
 * sequence, with interned names and incremental timestamps. A small reader of
 * the protobuf wire format keeps the bench free of Perfetto's own tools.
 */

/** One span workerd traced: its name, start and duration in nanoseconds, nesting depth. */
export interface TraceSlice {
  name: string;
  startNs: number;
  durationNs: number;
  depth: number;
  /** The sequence (thread) that wrote it. */
  sequence: number;
}

interface WireField {
  field: number;
  /** A varint or fixed64 as a number, or the bytes of a length-delimited field. */
  value: number | Uint8Array;
}

function* wireFields(bytes: Uint8Array): Generator<WireField> {
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error("truncated varint");
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        yield { field, value: varint() };
        break;
      case 1:
        yield { field, value: Number(new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0, true)) };
        at += 8;
        break;
      case 2: {
        const length = varint();
        yield { field, value: bytes.subarray(at, at + length) };
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${key & 7}`);
    }
  }
}

const text = (value: number | Uint8Array) => (typeof value === "number" ? "" : new TextDecoder().decode(value));
const bytesOf = (value: number | Uint8Array) => (typeof value === "number" ? new Uint8Array() : value);

// Field numbers from perfetto's trace_packet.proto, track_event.proto and interned_data.proto.
const TRACE_PACKET = 1;
const PACKET = { timestamp: 8, sequence: 10, trackEvent: 11, internedData: 12, sequenceFlags: 13, defaults: 59 };
const DEFAULTS_CLOCK_ID = 58;
const INCREMENTAL_CLOCK = 64;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const TRACK_EVENT = { type: 9, nameIid: 10, trackUuid: 11, name: 23 };
const INTERNED_EVENT_NAMES = 2;
const SLICE_BEGIN = 1;
const SLICE_END = 2;

interface SequenceState {
  incremental: boolean;
  lastTimestamp: number;
  names: Map<number, string>;
  open: Map<number, Array<{ name: string; startNs: number }>>;
}

/** The completed slices of a trace file's bytes, in the order they ended. */
export function traceSlices(bytes: Uint8Array): TraceSlice[] {
  const sequences = new Map<number, SequenceState>();
  const slices: TraceSlice[] = [];
  for (const top of wireFields(bytes)) {
    if (top.field !== TRACE_PACKET) continue;
    const fields = [...wireFields(bytesOf(top.value))];
    const get = (field: number) => fields.find((f) => f.field === field)?.value;
    const sequenceId = Number(get(PACKET.sequence) ?? 0);
    let state = sequences.get(sequenceId);
    const flags = Number(get(PACKET.sequenceFlags) ?? 0);
    if (state === undefined || (flags & SEQ_INCREMENTAL_STATE_CLEARED) !== 0) {
      state = {
        incremental: state?.incremental ?? false,
        lastTimestamp: 0,
        names: new Map(),
        open: state?.open ?? new Map(),
      };
      sequences.set(sequenceId, state);
    }
    const defaults = get(PACKET.defaults);
    if (defaults !== undefined) {
      for (const f of wireFields(bytesOf(defaults))) {
        if (f.field === DEFAULTS_CLOCK_ID) state.incremental = f.value === INCREMENTAL_CLOCK;
      }
    }
    const interned = get(PACKET.internedData);
    if (interned !== undefined) {
      for (const f of wireFields(bytesOf(interned))) {
        if (f.field !== INTERNED_EVENT_NAMES) continue;
        let iid = 0;
        let name = "";
        for (const g of wireFields(bytesOf(f.value))) {
          if (g.field === 1) iid = Number(g.value);
          if (g.field === 2) name = text(g.value);
        }
        state.names.set(iid, name);
      }
    }
    const event = get(PACKET.trackEvent);
    if (event === undefined) continue;
    const stamp = Number(get(PACKET.timestamp) ?? 0);
    const timestamp = state.incremental ? state.lastTimestamp + stamp : stamp;
    state.lastTimestamp = timestamp;
    const eventFields = [...wireFields(bytesOf(event))];
    const eventGet = (field: number) => eventFields.find((f) => f.field === field)?.value;
    const type = Number(eventGet(TRACK_EVENT.type) ?? 0);
    const track = Number(eventGet(TRACK_EVENT.trackUuid) ?? 0);
    const stack = state.open.get(track) ?? [];
    state.open.set(track, stack);
    if (type === SLICE_BEGIN) {
      const literal = eventGet(TRACK_EVENT.name);
      const name =
        literal !== undefined ? text(literal) : (state.names.get(Number(eventGet(TRACK_EVENT.nameIid))) ?? "?");
      stack.push({ name, startNs: timestamp });
    } else if (type === SLICE_END) {
      const begun = stack.pop();
      if (begun !== undefined) {
        slices.push({
          name: begun.name,
          startNs: begun.startNs,
          durationNs: timestamp - begun.startNs,
          depth: stack.length,
          sequence: sequenceId,
        });
      }
    }
  }
  return slices;
}
