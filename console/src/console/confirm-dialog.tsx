import { useEffect, useRef } from "preact/hooks";

/**
 * A modal confirmation (the native `<dialog>`: role dialog, focus kept inside,
 * Escape cancels, focus goes back to the opener when it closes).
 */
export function ConfirmDelete({
  keyName,
  version,
  onConfirm,
  onCancel,
}: {
  keyName: string;
  version: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    // The safe choice has the focus: Enter right after opening does not delete.
    cancel.current?.focus();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">Delete this key?</h2>
      <p id="confirm-text">
        <code class="key-text">{keyName}</code> will be deleted if it is still at version {version}. This cannot be
        undone.
      </p>
      <div class="actions">
        <button type="button" class="danger" onClick={onConfirm}>
          Confirm delete
        </button>
        <button type="button" ref={cancel} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
