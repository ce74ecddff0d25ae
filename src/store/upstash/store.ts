import type { ChangePage, Entry, KvStore, ListInput, ListPage, RunOptions, RunOutcome, StoreOp } from "../types";
import { decodeChangePage } from "./changes";
import type { LoadedScript, UpstashGateway } from "./gateway";
import { KeyLayout } from "./layout";
import { decodeListPage, listArgs } from "./listing";
import { CHANGES_LUA } from "./lua/changes";
import { LIST_LUA } from "./lua/list";
import { OPS_LUA } from "./lua/ops";
import { REINDEX_LUA } from "./lua/reindex";
import { decodeRun, encodeRun } from "./ops";
import { reindexNamespace } from "./reindex";
import { integerReply, jsonTextOf, stringReply } from "./reply";

/** How the Upstash backend is set up. */
export interface UpstashStoreOptions {
  /** The namespace prefix of every Redis key (KV_PREFIX). */
  namespace: string;
  /** Changes the change log keeps (KV_CHANGE_LOG_SIZE). */
  changeLogSize: number;
}

/**
 * The Upstash Redis backend. Every call is one HTTP round trip: GET or EXISTS
 * where a plain command suffices, otherwise one script (EVALSHA) that does the
 * whole call atomically: a write with its change-log entry and its
 * Idempotency-Key record, a batch, a transaction. See KeyLayout for what lives
 * where in Redis.
 */
export class UpstashStore implements KvStore {
  readonly backend = "upstash";
  private readonly layout: KeyLayout;
  private readonly opsScript: LoadedScript;
  private readonly listScript: LoadedScript;
  private readonly changesScript: LoadedScript;
  private readonly reindexScript: LoadedScript;

  constructor(
    private readonly gateway: UpstashGateway,
    private readonly options: UpstashStoreOptions,
  ) {
    this.layout = new KeyLayout(options.namespace);
    this.opsScript = gateway.script(OPS_LUA);
    this.listScript = gateway.script(LIST_LUA);
    this.changesScript = gateway.script(CHANGES_LUA);
    this.reindexScript = gateway.script(REINDEX_LUA);
  }

  async get(key: string): Promise<Entry | null> {
    const outcome = await this.run([{ op: "get", key }]);
    const [result] = outcome.kind === "done" ? outcome.results : [];
    return result?.op === "get" ? result.entry : null;
  }

  async getJson(key: string): Promise<string | null> {
    const raw = await this.gateway.command(["get", this.layout.value(key)]);
    return raw === null ? null : jsonTextOf(stringReply(raw, "GET"));
  }

  async exists(key: string): Promise<boolean> {
    return integerReply(await this.gateway.command(["exists", this.layout.value(key)]), "EXISTS") === 1;
  }

  async run(ops: StoreOp[], options: RunOptions = {}): Promise<RunOutcome> {
    const { keys, args } = encodeRun(ops, options, this.layout, this.options.changeLogSize);
    return decodeRun(ops, await this.gateway.run(this.opsScript, keys, args));
  }

  async hold(id: string, ttlSeconds: number): Promise<boolean> {
    const key = this.layout.idempotency(id);
    return (await this.gateway.command(["set", key, "running", "nx", "px", String(ttlSeconds * 1000)])) !== null;
  }

  async release(id: string): Promise<void> {
    await this.gateway.command(["del", this.layout.idempotency(id)]);
  }

  async list(input: ListInput): Promise<ListPage> {
    const reply = await this.gateway.run(this.listScript, [this.layout.index], listArgs(input, this.layout));
    return decodeListPage(reply, input.values === true);
  }

  async revision(): Promise<number> {
    const raw = await this.gateway.command(["get", this.layout.revision]);
    return raw === null ? 0 : Number(stringReply(raw, "revision"));
  }

  async changes(after: number, limit: number): Promise<ChangePage> {
    const reply = await this.gateway.run(
      this.changesScript,
      [this.layout.revision, this.layout.changes],
      [`${after + 1}-0`, String(limit)],
    );
    return decodeChangePage(reply, after);
  }

  waitForChange(_after: number, ms: number): Promise<void> {
    // Nothing tells a worker that Redis changed: the reader polls.
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async reindex(): Promise<number> {
    return reindexNamespace(this.gateway, this.reindexScript, this.layout);
  }
}
