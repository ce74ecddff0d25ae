import type { ListedKey } from "../shared/api";

/** "never", or how long until the deadline (unix ms) as a person reads it. */
export function expiryText(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return "never";
  const seconds = Math.round((expiresAt - now) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

/** The Prefix search field. */
export function PrefixSearch({
  prefix,
  onChange,
  onSubmit,
}: {
  prefix: string;
  onChange: (prefix: string) => void;
  onSubmit: () => void;
}) {
  return (
    <form
      class="prefix"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <label for="prefix">Prefix</label>
      <input
        id="prefix"
        type="search"
        spellcheck={false}
        autocomplete="off"
        value={prefix}
        onInput={(event) => onChange(event.currentTarget.value)}
      />
      <button type="submit">Search</button>
    </form>
  );
}

/** The keys of one listing, in the store's order; each key's name opens it. */
export function KeyList({
  keys,
  selected,
  complete,
  loading,
  onOpen,
  onLoadMore,
}: {
  keys: ListedKey[];
  selected: string | null;
  complete: boolean;
  loading: boolean;
  onOpen: (key: string) => void;
  onLoadMore: () => void;
}) {
  const now = Date.now();
  return (
    <div class="key-list">
      {keys.length === 0 ? (
        <p class="muted">{loading ? "Loading keys…" : "No keys under this prefix."}</p>
      ) : (
        <table>
          <caption>
            {keys.length} {keys.length === 1 ? "key" : "keys"}
            {complete ? "" : " so far"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Version</th>
              <th scope="col">Expires</th>
              <th scope="col">Metadata</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((entry) => (
              <tr key={entry.key}>
                <th scope="row">
                  <button
                    type="button"
                    class="key-name"
                    aria-current={entry.key === selected ? "true" : undefined}
                    onClick={() => onOpen(entry.key)}
                  >
                    {entry.key}
                  </button>
                </th>
                <td>{entry.version}</td>
                <td>
                  {entry.expires_at === null ? (
                    "never"
                  ) : (
                    <time dateTime={new Date(entry.expires_at).toISOString()}>{expiryText(entry.expires_at, now)}</time>
                  )}
                </td>
                <td>{entry.metadata === null ? "no" : "yes"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!complete && (
        <button type="button" onClick={onLoadMore} disabled={loading}>
          Load more
        </button>
      )}
    </div>
  );
}
