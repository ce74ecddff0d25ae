import { useLayoutEffect, useState } from "preact/hooks";
import { type AlertContent, problemAlert } from "../shared/alert";
import { type ExpiryChoice, type KvClient, Problem, type StoredKey } from "../shared/api";
import { isIntegerText, jsonError, jsonObjectError, prettyJson } from "../shared/json-text";
import { ConfirmDelete } from "./confirm-dialog";

/** Which key the editor shows: an existing one, or a new one being written. */
export type EditorTarget = { mode: "edit"; key: string } | { mode: "new" };

/** What the editor tells the page around it. */
export interface EditorEvents {
  alert: (content: AlertContent | null) => void;
  status: (text: string) => void;
  changed: (key: string) => void;
  created: (key: string) => void;
  deleted: (key: string) => void;
  open: (key: string) => void;
  close: () => void;
}

const TTL_PATTERN = /^[0-9]{1,12}(\.[0-9]{1,3})?$/;

function ttlError(text: string): string | null {
  if (text.trim() === "") return null;
  if (!TTL_PATTERN.test(text.trim()) || Number(text) <= 0) {
    return "Enter a positive number of seconds (up to 3 decimals), or leave empty for no expiry";
  }
  return null;
}

function remainingSeconds(expiresAt: number | null): string {
  return expiresAt === null ? "" : String(Math.max(1, Math.ceil((expiresAt - Date.now()) / 1000)));
}

/** A field's error text, tied to its input by id. */
function FieldError({ id, error }: { id: string; error: string | null }) {
  return error === null ? null : (
    <p id={id} class="field-error">
      {error}
    </p>
  );
}

/**
 * The editor of one key: Value, Version, TTL (seconds) and Metadata, with Save
 * (If-Match on the version shown, or If-None-Match: * for a new key), Delete
 * after a confirmation, and Increment/Decrement for integer values.
 */
export function KeyEditor({ client, target, on }: { client: KvClient; target: EditorTarget; on: EditorEvents }) {
  const [loaded, setLoaded] = useState<StoredKey | null>(null);
  const [keyDraft, setKeyDraft] = useState("");
  const [valueText, setValueText] = useState("");
  const [ttlText, setTtlText] = useState("");
  const [ttlLoaded, setTtlLoaded] = useState("");
  const [metadataText, setMetadataText] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const show = (stored: StoredKey) => {
    setLoaded(stored);
    setValueText(prettyJson(stored.valueText));
    const ttl = remainingSeconds(stored.expiresAt);
    setTtlText(ttl);
    setTtlLoaded(ttl);
    setMetadataText(stored.metadataText === null ? "" : prettyJson(stored.metadataText));
  };

  const load = async (key: string) => {
    setBusy(true);
    try {
      show(await client.read(key));
    } catch (error) {
      setLoaded(null);
      on.alert(problemAlert(error, `Opening the key "${key}"`));
    } finally {
      setBusy(false);
    }
  };

  const targetKey = target.mode === "edit" ? target.key : null;
  // Loads again when the key or the token changes (load itself is re-created each render). A
  // layout effect: the fields are reset in the same task as the render that shows them, so what
  // is typed into them right after (a fast user, a test) is never wiped by a reset that ran later.
  useLayoutEffect(() => {
    setConfirming(false);
    if (targetKey === null) {
      setLoaded(null);
      setKeyDraft("");
      setValueText("");
      setTtlText("");
      setTtlLoaded("");
      setMetadataText("");
    } else {
      void load(targetKey);
    }
  }, [targetKey, client]);

  const isNew = target.mode === "new";
  const keyError = isNew && keyDraft === "" ? "Enter a key" : null;
  const valueError = valueText.trim() === "" ? "Enter a JSON value" : jsonError(valueText);
  const metadataError = metadataText.trim() === "" ? null : jsonObjectError(metadataText);
  const ttlProblem = ttlError(ttlText);
  const invalid = keyError !== null || valueError !== null || metadataError !== null || ttlProblem !== null;
  const canSave = !invalid && !busy && (isNew || loaded !== null);

  const conflict = async (key: string) => {
    let current: StoredKey | null = null;
    try {
      current = await client.read(key);
    } catch (error) {
      if (!(error instanceof Problem && error.status === 404)) throw error;
    }
    if (current === null) {
      on.alert({ message: `The key "${key}" was deleted since it was loaded, so nothing was changed.` });
      return;
    }
    on.alert({
      message: `The key "${key}" changed since it was loaded (version ${loaded?.version} is no longer current), so nothing was changed.`,
      details: (
        <div class="conflict">
          <p>Current value, version {current.version}:</p>
          <pre>{prettyJson(current.valueText)}</pre>
        </div>
      ),
      actions: [
        {
          label: "Reload",
          run: () => {
            on.alert(null);
            void load(key);
          },
        },
      ],
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!canSave) return;
    const key = isNew ? keyDraft : (loaded?.key ?? "");
    const ttl = ttlText.trim();
    let expiry: ExpiryChoice = ttl === "" ? { kind: "none" } : { kind: "ttl", seconds: ttl };
    if (!isNew && ttlText === ttlLoaded) expiry = { kind: "keep" };
    on.alert(null);
    setBusy(true);
    try {
      const version = await client.write(key, valueText, {
        precondition: isNew || loaded === null ? { ifNoneMatch: "*" } : { ifMatch: loaded.version },
        expiry,
        metadataText: metadataText.trim() === "" ? null : metadataText,
      });
      on.status(`Saved "${key}": version ${version}.`);
      if (isNew) on.created(key);
      else {
        await load(key);
        on.changed(key);
      }
    } catch (error) {
      if (error instanceof Problem && error.status === 412) {
        if (isNew) {
          on.alert({
            message: `The key "${key}" already exists, so nothing was overwritten (${error.status} ${error.code}).`,
            actions: [{ label: "Open it", run: () => on.open(key) }],
          });
        } else {
          await conflict(key).catch((readError: unknown) => on.alert(problemAlert(readError, "Reading the key")));
        }
      } else {
        on.alert(problemAlert(error, `Saving "${key}"`));
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (loaded === null) return;
    setConfirming(false);
    on.alert(null);
    setBusy(true);
    try {
      await client.remove(loaded.key, loaded.version);
      on.status(`Deleted "${loaded.key}".`);
      on.deleted(loaded.key);
    } catch (error) {
      if (error instanceof Problem && error.status === 412) {
        await conflict(loaded.key).catch((readError: unknown) => on.alert(problemAlert(readError, "Reading the key")));
      } else {
        on.alert(problemAlert(error, `Deleting "${loaded.key}"`));
      }
    } finally {
      setBusy(false);
    }
  };

  const increment = async (by: number) => {
    if (loaded === null) return;
    on.alert(null);
    setBusy(true);
    try {
      await client.increment(loaded.key, by);
      const stored = await client.read(loaded.key);
      show(stored);
      on.status(`${by > 0 ? "Incremented" : "Decremented"} "${loaded.key}" to ${stored.valueText.trim()}.`);
      on.changed(loaded.key);
    } catch (error) {
      on.alert(problemAlert(error, `${by > 0 ? "Incrementing" : "Decrementing"} "${loaded.key}"`));
    } finally {
      setBusy(false);
    }
  };

  const heading = isNew ? "New key" : `Key: ${target.key}`;
  return (
    <section class="editor" aria-labelledby="editor-title">
      <h2 id="editor-title" class="key-text">
        {heading}
      </h2>
      {/* Read-only while busy: a load that ends would otherwise replace what was typed meanwhile. */}
      <form onSubmit={save} noValidate aria-busy={busy}>
        {isNew && (
          <div class="field">
            <label for="key-name">Key</label>
            <input
              id="key-name"
              type="text"
              spellcheck={false}
              autocomplete="off"
              value={keyDraft}
              readOnly={busy}
              aria-invalid={keyError !== null}
              aria-describedby={keyError === null ? undefined : "key-name-error"}
              onInput={(event) => setKeyDraft(event.currentTarget.value)}
            />
            <FieldError id="key-name-error" error={keyError} />
          </div>
        )}
        <div class="field">
          <label for="value">Value</label>
          <textarea
            id="value"
            rows={10}
            spellcheck={false}
            value={valueText}
            readOnly={busy}
            aria-invalid={valueError !== null}
            aria-describedby={valueError === null ? "value-hint" : "value-hint value-error"}
            onInput={(event) => setValueText(event.currentTarget.value)}
          />
          <p id="value-hint" class="hint">
            Any JSON value: an object, an array, a string in quotes, a number, true, false or null.
          </p>
          <FieldError id="value-error" error={valueError === null ? null : `Not valid JSON: ${valueError}`} />
        </div>
        {!isNew && (
          <p class="version">
            Version <strong>{loaded?.version ?? "…"}</strong>
          </p>
        )}
        <div class="field">
          <label for="ttl">TTL (seconds)</label>
          <input
            id="ttl"
            type="text"
            inputMode="decimal"
            autocomplete="off"
            value={ttlText}
            readOnly={busy}
            aria-invalid={ttlProblem !== null}
            aria-describedby={ttlProblem === null ? "ttl-hint" : "ttl-hint ttl-error"}
            onInput={(event) => setTtlText(event.currentTarget.value)}
          />
          <p id="ttl-hint" class="hint">
            Empty: no expiry. {isNew ? "" : "Left as loaded, the key keeps its current expiry."}
          </p>
          <FieldError id="ttl-error" error={ttlProblem} />
        </div>
        <div class="field">
          <label for="metadata">Metadata</label>
          <textarea
            id="metadata"
            rows={3}
            spellcheck={false}
            value={metadataText}
            readOnly={busy}
            aria-invalid={metadataError !== null}
            aria-describedby={metadataError === null ? "metadata-hint" : "metadata-hint metadata-error"}
            onInput={(event) => setMetadataText(event.currentTarget.value)}
          />
          <p id="metadata-hint" class="hint">
            A JSON object stored with the value, or empty for none.
          </p>
          <FieldError
            id="metadata-error"
            error={metadataError === null ? null : `Not a valid metadata object: ${metadataError}`}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={!canSave}>
            Save
          </button>
          {!isNew && loaded !== null && isIntegerText(loaded.valueText) && (
            <>
              <button type="button" disabled={busy} onClick={() => void increment(1)}>
                Increment
              </button>
              <button type="button" disabled={busy} onClick={() => void increment(-1)}>
                Decrement
              </button>
            </>
          )}
          {!isNew && (
            <button type="button" class="danger" disabled={busy || loaded === null} onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
          <button type="button" class="quiet" onClick={on.close}>
            Close
          </button>
        </div>
      </form>
      {confirming && loaded !== null && (
        <ConfirmDelete
          keyName={loaded.key}
          version={loaded.version}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
