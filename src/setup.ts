import { authNotConfigured, TokenTable, tokenGrantsOf } from "./auth";
import { type ApiError, ConfigError, toApiError } from "./problems";
import { type Config, parseConfig, type Settings } from "./settings";
import { openStore } from "./store/select";
import type { KvStore } from "./store/types";

/**
 * What one bindings object sets up: the parsed settings, the token table and
 * the store, each made once (workerd passes the same bindings object to every
 * request of an isolate).
 */
export class Setup {
  readonly config: Config;
  readonly tokens: TokenTable;
  /**
   * Why the data routes cannot serve, or null: the first missing or malformed
   * setting (token lists included), then a missing token on the Upstash
   * backend. `GET /` reports the same problem.
   */
  readonly problem: ApiError | null;
  private store: Promise<KvStore> | undefined;
  private opened: KvStore | undefined;

  constructor(settings: Settings) {
    this.config = parseConfig(settings);
    let problem: ConfigError | null = this.config.problem;
    let grants: ReturnType<typeof tokenGrantsOf> = [];
    try {
      grants = tokenGrantsOf(settings);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problem ??= error;
    }
    this.tokens = new TokenTable(grants);
    const closed = !this.tokens.configured && this.config.backend === "upstash" && !this.config.allowAnonymous;
    this.problem = problem !== null ? toApiError(problem) : closed ? authNotConfigured(this.config.backend) : null;
  }

  /** The configured store; throws the setup's problem when the data routes cannot serve. */
  openStore(): Promise<KvStore> {
    if (this.problem !== null) return Promise.reject(this.problem);
    this.store ??= openStore(this.config).then((store) => {
      this.opened = store;
      return store;
    });
    return this.store;
  }

  /** The store once a request has opened it, to read without an await; undefined before. */
  get openedStore(): KvStore | undefined {
    return this.opened;
  }
}

const setups = new WeakMap<object, Setup>();

/** The setup of a bindings object, made on its first request. */
export function setupOf(settings: Settings): Setup {
  let setup = setups.get(settings);
  if (setup === undefined) {
    setup = new Setup(settings);
    setups.set(settings, setup);
  }
  return setup;
}
