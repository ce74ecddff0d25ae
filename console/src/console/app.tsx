import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type AlertContent, Alerts, problemAlert } from "../shared/alert";
import { KvClient, type ListedKey, Problem, serviceHealth } from "../shared/api";
import { forgetToken, storedToken, storeToken } from "../shared/session";
import { SignIn } from "../shared/sign-in";
import { type EditorTarget, KeyEditor } from "./key-editor";
import { KeyList, PrefixSearch } from "./key-list";

/** Keys fetched per page of the listing. */
export const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

type Access = "checking" | "open" | "needs-token";

/** The console: sign-in, the key listing and the key editor. */
export function App() {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const client = useMemo(() => new KvClient(token), [token]);
  const [access, setAccess] = useState<Access>("checking");
  const [backend, setBackend] = useState<string | null>(null);
  const [alert, setAlert] = useState<AlertContent | null>(null);
  const [status, setStatus] = useState("");
  const [prefix, setPrefix] = useState("");
  const [keys, setKeys] = useState<ListedKey[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [complete, setComplete] = useState(true);
  const [loading, setLoading] = useState(false);
  const [target, setTarget] = useState<EditorTarget | null>(null);
  // Each listing request gets a number; an answer that arrives after a newer request started is dropped.
  const listing = useRef(0);
  const searchTimer = useRef<number | undefined>(undefined);

  const loadKeys = async (withClient: KvClient, forPrefix: string, after: string | null): Promise<boolean> => {
    const request = ++listing.current;
    setLoading(true);
    try {
      const page = await withClient.list(forPrefix, after, PAGE_SIZE);
      if (request !== listing.current) return true;
      setKeys((previous) => (after === null ? page.keys : [...previous, ...page.keys]));
      setCursor(page.cursor);
      setComplete(page.complete);
      return true;
    } catch (error) {
      if (request !== listing.current) return true;
      if (after === null) {
        setKeys([]);
        setComplete(true);
      }
      if (error instanceof Problem && error.status === 401) {
        setAccess("needs-token");
        setAlert(
          problemAlert(error, withClient.token === null ? "This service needs a token: listing keys" : "Signing in"),
        );
        return false;
      }
      setAlert(problemAlert(error, "Listing keys"));
      return error instanceof Problem && error.status === 403;
    } finally {
      if (request === listing.current) setLoading(false);
    }
  };

  // Runs once, with the token the tab already had.
  useEffect(() => {
    void serviceHealth().then((health) => setBackend(health?.backend ?? null));
    void (async () => {
      const first = ++listing.current;
      try {
        const page = await client.list("", null, PAGE_SIZE);
        if (first !== listing.current) return;
        setKeys(page.keys);
        setCursor(page.cursor);
        setComplete(page.complete);
        setAccess("open");
      } catch (error) {
        if (error instanceof Problem && (error.status === 401 || error.status === 403) && token === null) {
          setAccess("needs-token");
          return;
        }
        setAccess(error instanceof Problem && error.status === 401 ? "needs-token" : "open");
        setAlert(problemAlert(error, "Listing keys"));
      }
    })();
  }, []);

  const signIn = async (candidate: string): Promise<boolean> => {
    setAlert(null);
    const candidateClient = new KvClient(candidate);
    const accepted = await loadKeys(candidateClient, prefix, null);
    if (!accepted) return false;
    storeToken(candidate);
    setToken(candidate);
    setAccess("open");
    setStatus("Signed in.");
    return true;
  };

  const signOut = () => {
    forgetToken();
    setToken(null);
    setTarget(null);
    setKeys([]);
    setCursor(null);
    setComplete(true);
    setAlert(null);
    setStatus("Signed out.");
    const anonymous = new KvClient(null);
    void anonymous
      .list("", null, 1)
      .then(() => {
        setAccess("open");
        return loadKeys(anonymous, prefix, null);
      })
      .catch(() => setAccess("needs-token"));
  };

  const search = (next: string, delay: number) => {
    setPrefix(next);
    window.clearTimeout(searchTimer.current);
    searchTimer.current = window.setTimeout(() => void loadKeys(client, next, null), delay);
  };

  const refreshEntry = (key: string) => {
    void client.list(key, null, 1).then(
      (page) => {
        const fresh = page.keys.find((entry) => entry.key === key);
        if (fresh !== undefined) setKeys((previous) => previous.map((entry) => (entry.key === key ? fresh : entry)));
      },
      () => undefined,
    );
  };

  const signedIn = token !== null;
  const open = access === "open";
  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>edge-kv console</h1>
          {backend !== null && <span class="badge">{backend} backend</span>}
        </div>
        <nav aria-label="Documentation">
          <a href="/docs">API reference</a>
        </nav>
        <SignIn signedIn={signedIn} anonymous={open && !signedIn} onSignIn={signIn} onSignOut={signOut} />
      </header>
      <Alerts alert={alert} status={status} onDismiss={() => setAlert(null)} />
      {access === "needs-token" && !signedIn && (
        <main class="intro">
          <p>This service needs a token. Enter one above to browse and edit keys.</p>
        </main>
      )}
      {open && (
        <main class="workspace">
          <section class="browse" aria-labelledby="keys-title">
            <div class="browse-head">
              <h2 id="keys-title">Keys</h2>
              <button type="button" class="primary" onClick={() => setTarget({ mode: "new" })}>
                New key
              </button>
            </div>
            <PrefixSearch
              prefix={prefix}
              onChange={(next) => search(next, SEARCH_DELAY_MS)}
              onSubmit={() => search(prefix, 0)}
            />
            <KeyList
              keys={keys}
              selected={target?.mode === "edit" ? target.key : null}
              complete={complete}
              loading={loading}
              onOpen={(key) => {
                setAlert(null);
                setTarget({ mode: "edit", key });
              }}
              onLoadMore={() => void loadKeys(client, prefix, cursor)}
            />
          </section>
          {target === null ? (
            <section class="editor placeholder" aria-label="Editor">
              <p class="muted">Open a key to see and edit it, or make a new one.</p>
            </section>
          ) : (
            <KeyEditor
              client={client}
              target={target}
              on={{
                alert: setAlert,
                status: setStatus,
                changed: refreshEntry,
                created: (key) => {
                  setTarget({ mode: "edit", key });
                  void loadKeys(client, prefix, null);
                },
                deleted: (key) => {
                  setTarget(null);
                  setKeys((previous) => previous.filter((entry) => entry.key !== key));
                },
                open: (key) => {
                  setAlert(null);
                  setTarget({ mode: "edit", key });
                },
                close: () => setTarget(null),
              }}
            />
          )}
        </main>
      )}
    </>
  );
}
