import type {
  DeleteResult,
  ExpireResult,
  Expiry,
  IncrInput,
  IncrResult,
  KvStore,
  PutInput,
  PutResult,
  StoreOp,
  StoreResult,
  WriteCondition,
} from "../../src/store/types";

/** Methods per single operation, each one `run` of one op (as the routes do). */
export interface SingleOps {
  put(key: string, input: PutInput): Promise<PutResult>;
  delete(key: string, condition: WriteCondition): Promise<DeleteResult>;
  expire(key: string, expiry: Expiry, condition: WriteCondition): Promise<ExpireResult>;
  incr(key: string, input: IncrInput): Promise<IncrResult>;
  /** A batch: `run` without a transaction; the results. */
  batch(ops: StoreOp[]): Promise<StoreResult[]>;
}

async function results(store: KvStore, ops: StoreOp[]): Promise<StoreResult[]> {
  const outcome = await store.run(ops);
  if (outcome.kind !== "done") throw new Error(`expected the ops to run, got ${outcome.kind}`);
  return outcome.results;
}

async function resultOf(store: KvStore, op: StoreOp): Promise<StoreResult> {
  const [result] = await results(store, [op]);
  if (result === undefined || result.op !== op.op) throw new Error(`no ${op.op} result`);
  return result;
}

/** A store with single-op methods. */
export type SingleOpStore = KvStore & SingleOps;

/** Wraps a store with single-op methods for tests. */
export function singleOps<S extends KvStore>(store: S): S & SingleOps {
  const methods = {
    put: async (key: string, input: PutInput) => {
      const result = await resultOf(store, { op: "put", key, input });
      if (result.op !== "put") throw new Error("not a put");
      return result.result;
    },
    delete: async (key: string, condition: WriteCondition) => {
      const result = await resultOf(store, { op: "delete", key, condition });
      if (result.op !== "delete") throw new Error("not a delete");
      return result.result;
    },
    expire: async (key: string, expiry: Expiry, condition: WriteCondition) => {
      const result = await resultOf(store, { op: "expire", key, expiry, condition });
      if (result.op !== "expire") throw new Error("not an expire");
      return result.result;
    },
    incr: async (key: string, input: IncrInput) => {
      const result = await resultOf(store, { op: "incr", key, input });
      if (result.op !== "incr") throw new Error("not an incr");
      return result.result;
    },
    batch: (ops: StoreOp[]) => results(store, ops),
  };
  return new Proxy(store, {
    get(target, name, receiver) {
      if (typeof name === "string" && name in methods) return methods[name as keyof typeof methods];
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as S & SingleOps;
}
