import type { ComponentChildren } from "preact";
import { Problem } from "./api";

/** What the alert region shows: a message, optional details and buttons. */
export interface AlertContent {
  message: string;
  details?: ComponentChildren;
  actions?: { label: string; run: () => void }[];
}

/** The sentence for an API error: its status, `code` and `detail`, and for 503 that nothing was changed. */
export function problemMessage(error: unknown, action: string): string {
  if (!(error instanceof Problem)) return `${action} failed: ${String(error)}`;
  const cause = `${error.status} ${error.code}: ${error.detail}`;
  if (error.status === 0) return `${action} failed: ${error.detail}.`;
  if (error.status === 503) return `The store is unavailable, so nothing was changed. ${action} failed with ${cause}`;
  return `${action} failed with ${cause}`;
}

/** An alert naming the problem of a failed action. */
export function problemAlert(error: unknown, action: string): AlertContent {
  return { message: problemMessage(error, action) };
}

/**
 * The page's one alert region (`role="alert"`, always in the document so that
 * screen readers announce what appears in it) and a polite status line.
 */
export function Alerts({
  alert,
  status,
  onDismiss,
}: {
  alert: AlertContent | null;
  status: string;
  onDismiss: () => void;
}) {
  return (
    <div class="notices">
      <div role="alert" class={alert === null ? "alert empty" : "alert"}>
        {alert !== null && (
          <>
            <p class="alert-message">{alert.message}</p>
            {alert.details}
            <div class="actions">
              {alert.actions?.map((action) => (
                <button type="button" key={action.label} onClick={action.run}>
                  {action.label}
                </button>
              ))}
              <button type="button" class="quiet" onClick={onDismiss}>
                Dismiss
              </button>
            </div>
          </>
        )}
      </div>
      <p role="status" class="status">
        {status}
      </p>
    </div>
  );
}
