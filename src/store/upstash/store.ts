import type {
  BatchOp,
  BatchResult,
  DeleteResult,
  Entry,
  ExpireResult,
  Expiry,
  IncrInput,
  IncrResult,
  KvStore,
  ListInput,
  ListPage,
  PutInput,
  PutResult,
  WriteCondition,
} from "../types";
import type { LoadedScript, UpstashGateway } from "./gateway";
import { jsonTextOf } from "./json-text";
import { KeyLayout } from "./layout";
import { decodeListPage, listArgs } from "./listing";
import { LIST_LUA } from "./lua/list";
import { OPS_LUA } from "./lua/ops";
import { REINDEX_LUA } from "./lua/reindex";
import {
  decodeBatchResult,
  decodeDelete,
  decodeExpire,
  decodeGet,
  decodeIncr,
  decodePut,
  encodeOps,
  opReplies,
  type ScriptOp,
} from "./ops";
import { reindexNamespace } from "./reindex";
import { integerReply, stringReply } from "./reply";

/**
 * The Upstash Redis backend. Every call is one HTTP round trip: GET or EXISTS
 * where a plain command suffices, otherwise one script (EVALSHA) that does the
 * whole call atomically; a batch is one script call too. See KeyLayout for
 * what lives where in Redis.
 */
export class UpstashStore implements KvStore {
  readonly backend = "upstash";
  private readonly layout: KeyLayout;
  private readonly opsScript: LoadedScript;
  private readonly listScript: LoadedScript;
  private readonly reindexScript: LoadedScript;

  constructor(
    private readonly gateway: UpstashGateway,
    prefix: string,
  ) {
    this.layout = new KeyLayout(prefix);
    this.opsScript = gateway.script(OPS_LUA);
    this.listScript = gateway.script(LIST_LUA);
    this.reindexScript = gateway.script(REINDEX_LUA);
  }

  async get(key: string): Promise<Entry | null> {
    return decodeGet(await this.runOne({ op: "get", key }));
  }

  async getJson(key: string): Promise<string | null> {
    const raw = await this.gateway.command(["get", this.layout.value(key)]);
    return raw === null ? null : jsonTextOf(stringReply(raw, "GET"));
  }

  async exists(key: string): Promise<boolean> {
    return integerReply(await this.gateway.command(["exists", this.layout.value(key)]), "EXISTS") === 1;
  }

  async put(key: string, input: PutInput): Promise<PutResult> {
    return decodePut(await this.runOne({ op: "put", key, input }));
  }

  async delete(key: string, condition: WriteCondition): Promise<DeleteResult> {
    return decodeDelete(await this.runOne({ op: "delete", key, condition }));
  }

  async expire(key: string, expiry: Expiry, condition: WriteCondition): Promise<ExpireResult> {
    return decodeExpire(await this.runOne({ op: "expire", key, expiry, condition }));
  }

  async incr(key: string, input: IncrInput): Promise<IncrResult> {
    return decodeIncr(await this.runOne({ op: "incr", key, input }));
  }

  async list(input: ListInput): Promise<ListPage> {
    const reply = await this.gateway.run(this.listScript, [this.layout.index], listArgs(input, this.layout));
    return decodeListPage(reply);
  }

  async batch(ops: BatchOp[]): Promise<BatchResult[]> {
    if (ops.length === 0) return [];
    const scriptOps = ops.map((op): ScriptOp => (op.op === "delete" ? { ...op, condition: { kind: "always" } } : op));
    const replies = await this.runOps(scriptOps);
    return scriptOps.map((op, index) => decodeBatchResult(op, replies[index]!));
  }

  async reindex(): Promise<number> {
    return reindexNamespace(this.gateway, this.reindexScript, this.layout);
  }

  private async runOne(op: ScriptOp): Promise<unknown[]> {
    const [reply] = await this.runOps([op]);
    return reply!;
  }

  private async runOps(ops: ScriptOp[]): Promise<unknown[][]> {
    const { keys, args } = encodeOps(ops, this.layout);
    return opReplies(await this.gateway.run(this.opsScript, keys, args), ops.length);
  }
}
