// The bearer token lives in this tab's sessionStorage and nowhere else: not in
// the URL, not in localStorage, never logged. The console and /docs share it
// because they are served from the same origin.
const TOKEN_ITEM = "edge-kv.token";

/** The signed-in token of this tab, or null. */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_ITEM);
  } catch {
    return null;
  }
}

/** Remembers the token for this tab only. */
export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_ITEM, token);
}

/** Forgets the token. */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_ITEM);
}
