import { useState } from "preact/hooks";

/**
 * The Token field and Sign in button, or Sign out once signed in. The draft
 * token lives only in this component's state until the caller accepts it.
 */
export function SignIn({
  signedIn,
  anonymous,
  onSignIn,
  onSignOut,
}: {
  signedIn: boolean;
  anonymous: boolean;
  onSignIn: (token: string) => Promise<boolean>;
  onSignOut: () => void;
}) {
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  if (signedIn) {
    return (
      <div class="sign-in">
        <span class="who">Signed in with a token</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const accepted = await onSignIn(draft);
    setBusy(false);
    if (accepted) setDraft("");
  };
  return (
    <form class="sign-in" onSubmit={submit}>
      {anonymous && <span class="who">No token needed here</span>}
      <label for="token">Token</label>
      <input
        id="token"
        type="password"
        autocomplete="off"
        spellcheck={false}
        value={draft}
        onInput={(event) => setDraft(event.currentTarget.value)}
      />
      <button type="submit" disabled={draft === "" || busy}>
        Sign in
      </button>
    </form>
  );
}
