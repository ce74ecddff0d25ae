import type {
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
  ResultOf,
  StoreOp,
  StoreResult,
  WriteCondition,
} from "../types";
import type { LoadedScript, UpstashGateway } from "./gateway";
import { KeyLayout } from "./layout";
import { decodeListPage, listArgs } from "./listing";
import { LIST_LUA } from "./lua/list";
import { OPS_LUA } from "./lua/ops";
import { REINDEX_LUA } from "./lua/reindex";
import { decodeResults, encodeOps } from "./ops";
import { reindexNamespace } from "./reindex";
import { integerReply, jsonTextOf, stringReply } from "./reply";

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
    namespace: string,
  ) {
    this.layout = new KeyLayout(namespace);
    this.opsScript = gateway.script(OPS_LUA);
    this.listScript = gateway.script(LIST_LUA);
    this.reindexScript = gateway.script(REINDEX_LUA);
  }

  async get(key: string): Promise<Entry | null> {
    return (await this.runOne({ op: "get", key })).entry;
  }

  async getJson(key: string): Promise<string | null> {
    const raw = await this.gateway.command(["get", this.layout.value(key)]);
    return raw === null ? null : jsonTextOf(stringReply(raw, "GET"));
  }

  async exists(key: string): Promise<boolean> {
    return integerReply(await this.gateway.command(["exists", this.layout.value(key)]), "EXISTS") === 1;
  }

  async put(key: string, input: PutInput): Promise<PutResult> {
    return (await this.runOne({ op: "put", key, input })).result;
  }

  async delete(key: string, condition: WriteCondition): Promise<DeleteResult> {
    return (await this.runOne({ op: "delete", key, condition })).result;
  }

  async expire(key: string, expiry: Expiry, condition: WriteCondition): Promise<ExpireResult> {
    return (await this.runOne({ op: "expire", key, expiry, condition })).result;
  }

  async incr(key: string, input: IncrInput): Promise<IncrResult> {
    return (await this.runOne({ op: "incr", key, input })).result;
  }

  async list(input: ListInput): Promise<ListPage> {
    const reply = await this.gateway.run(this.listScript, [this.layout.index], listArgs(input, this.layout));
    return decodeListPage(reply);
  }

  async batch(ops: StoreOp[]): Promise<StoreResult[]> {
    if (ops.length === 0) return [];
    const { keys, args } = encodeOps(ops, this.layout);
    return decodeResults(ops, await this.gateway.run(this.opsScript, keys, args));
  }

  async reindex(): Promise<number> {
    return reindexNamespace(this.gateway, this.reindexScript, this.layout);
  }

  private async runOne<O extends StoreOp>(op: O): Promise<ResultOf<O>> {
    const [result] = await this.batch([op]);
    return result as ResultOf<O>;
  }
}
