import { useEffect, useState } from "preact/hooks";
import { type AlertContent, Alerts, problemAlert } from "../shared/alert";
import { type Answer, KvClient, Problem, send } from "../shared/api";
import { jsonError, prettyJson } from "../shared/json-text";
import { forgetToken, storedToken, storeToken } from "../shared/session";
import { SignIn } from "../shared/sign-in";
import { type Located, type OpenApiDocument, operationsByTag, requestPath } from "./openapi";

const BODYLESS = new Set(["get", "head"]);

function exampleText(example: unknown): string {
  return example === undefined ? "" : JSON.stringify(example, null, 2);
}

function answerBody(answer: Answer): string {
  if (answer.text === "") return "(no body)";
  return jsonError(answer.text) === null ? prettyJson(answer.text) : answer.text;
}

/** The answer to a request sent from the page: status, headers and body. */
function AnswerView({ answer, elapsedMs }: { answer: Answer; elapsedMs: number }) {
  const headers = [...answer.headers.entries()].map(([name, value]) => `${name}: ${value}`).join("\n");
  return (
    <div class="answer">
      <h4>
        Answer: <span class="answer-status">{`${answer.status} ${answer.statusText}`}</span>{" "}
        <span class="muted">in {Math.round(elapsedMs)} ms</span>
      </h4>
      <h5>Headers</h5>
      <pre class="answer-headers">{headers}</pre>
      <h5>Body</h5>
      <pre class="answer-body">{answerBody(answer)}</pre>
    </div>
  );
}

/** The form that sends one operation with the values typed into it and the signed-in token. */
function TryIt({ located }: { located: Located }) {
  const { operation, method, path, id } = located;
  const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in !== "cookie");
  const media = operation.requestBody?.content["application/json"];
  const [values, setValues] = useState<Record<string, string>>({});
  const [body, setBody] = useState(() => exampleText(media?.example));
  const [result, setResult] = useState<{ answer: Answer; elapsedMs: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = (location: string, name: string) => `${id}-${location}-${name}`.replace(/[^A-Za-z0-9-]/g, "-");
  const missing = parameters.filter((p) => p.required && (values[`${p.in}:${p.name}`] ?? "") === "");
  const bodyError = body.trim() === "" ? null : jsonError(body);

  const submit = async (event: Event) => {
    event.preventDefault();
    const byLocation = (location: string) =>
      Object.fromEntries(
        parameters
          .filter((parameter) => parameter.in === location)
          .map((parameter) => [parameter.name, values[`${location}:${parameter.name}`] ?? ""]),
      );
    const headers = Object.fromEntries(Object.entries(byLocation("header")).filter(([, value]) => value !== ""));
    setBusy(true);
    setError(null);
    const started = performance.now();
    try {
      const answer = await send(
        {
          method: method.toUpperCase(),
          path: requestPath(path, byLocation("path"), byLocation("query")),
          headers,
          body: BODYLESS.has(method) || body.trim() === "" ? undefined : body,
        },
        storedToken(),
      );
      setResult({ answer, elapsedMs: performance.now() - started });
    } catch (caught) {
      setResult(null);
      setError(caught instanceof Problem ? caught.detail : `The request could not be sent: ${String(caught)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="try-it" onSubmit={submit} noValidate>
      <h4>Try it</h4>
      {parameters.map((parameter) => {
        const key = `${parameter.in}:${parameter.name}`;
        const inputId = fieldId(parameter.in, parameter.name);
        const hintId = `${inputId}-hint`;
        const setValue = (value: string) => setValues((previous) => ({ ...previous, [key]: value }));
        return (
          <div class="field" key={key}>
            <label for={inputId}>
              {parameter.name}{" "}
              <span class="muted">
                ({parameter.in}
                {parameter.required ? ", required" : ""})
              </span>
            </label>
            {parameter.schema?.enum === undefined ? (
              <input
                id={inputId}
                type="text"
                spellcheck={false}
                autocomplete="off"
                aria-describedby={hintId}
                value={values[key] ?? ""}
                onInput={(event) => setValue(event.currentTarget.value)}
              />
            ) : (
              <select
                id={inputId}
                aria-describedby={hintId}
                value={values[key] ?? ""}
                onChange={(event) => setValue(event.currentTarget.value)}
              >
                <option value="">(not sent)</option>
                {parameter.schema.enum.map((choice) => (
                  <option key={choice} value={choice}>
                    {choice}
                  </option>
                ))}
              </select>
            )}
            <p id={hintId} class="hint">
              {parameter.in === "path" ? "Type the key as it is: the page percent-encodes it. " : ""}
              {parameter.description ?? ""}
            </p>
          </div>
        );
      })}
      {media !== undefined && (
        <div class="field">
          <label for={`${id}-body`}>Request body (JSON)</label>
          <textarea
            id={`${id}-body`}
            rows={Math.min(12, Math.max(3, body.split("\n").length))}
            spellcheck={false}
            value={body}
            aria-invalid={bodyError !== null}
            aria-describedby={bodyError === null ? undefined : `${id}-body-error`}
            onInput={(event) => setBody(event.currentTarget.value)}
          />
          {bodyError !== null && (
            <p id={`${id}-body-error`} class="field-error">
              Not valid JSON: {bodyError}
            </p>
          )}
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || missing.length > 0 || bodyError !== null}>
          Send {method.toUpperCase()} {path}
        </button>
        {missing.length > 0 && <span class="hint">Fill in {missing.map((p) => p.name).join(", ")} to send.</span>}
      </div>
      <div aria-live="polite">
        {error !== null && <p class="field-error">{error}</p>}
        {result !== null && <AnswerView answer={result.answer} elapsedMs={result.elapsedMs} />}
      </div>
    </form>
  );
}

/** One operation: what the document says, and the form to try it. */
function OperationView({ located }: { located: Located }) {
  const { operation, method, path } = located;
  return (
    <details class="operation" id={located.id}>
      <summary>
        <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>{" "}
        <span>{operation.summary}</span>
      </summary>
      {operation.description !== undefined && <p>{operation.description}</p>}
      {operation["x-scope"] !== undefined && <p class="muted">Token scope: {operation["x-scope"]}</p>}
      <TryIt located={located} />
      <h4>Answers</h4>
      <dl class="responses">
        {Object.entries(operation.responses).map(([status, response]) => {
          const example = Object.values(response.content ?? {})[0]?.example;
          return (
            <div key={status}>
              <dt>{status}</dt>
              <dd>
                {response.description}
                {example !== undefined && <pre>{exampleText(example)}</pre>}
              </dd>
            </div>
          );
        })}
      </dl>
    </details>
  );
}

/** The /docs page: the OpenAPI document rendered, each operation with a form that sends it. */
export function DocsApp() {
  const [doc, setDoc] = useState<OpenApiDocument | null>(null);
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [alert, setAlert] = useState<AlertContent | null>(null);
  const [status, setStatus] = useState("");

  useEffect(() => {
    void send({ method: "GET", path: "/openapi.json" }, null)
      .then((answer) => setDoc(JSON.parse(answer.text) as OpenApiDocument))
      .catch((error: unknown) => setAlert(problemAlert(error, "Loading /openapi.json")));
  }, []);

  const signIn = async (candidate: string): Promise<boolean> => {
    setAlert(null);
    try {
      await new KvClient(candidate).list("", null, 1);
    } catch (error) {
      if (!(error instanceof Problem && error.status === 403)) {
        setAlert(problemAlert(error, "Signing in"));
        return false;
      }
    }
    storeToken(candidate);
    setToken(candidate);
    setStatus("Signed in: requests from this page carry the token.");
    return true;
  };

  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>{doc?.info.title ?? "edge-kv"} API</h1>
        </div>
        <nav aria-label="Console">
          <a href="/console/">Console</a> <a href="/openapi.json">openapi.json</a>
        </nav>
        <SignIn
          signedIn={token !== null}
          anonymous={false}
          onSignIn={signIn}
          onSignOut={() => {
            forgetToken();
            setToken(null);
            setStatus("Signed out: requests from this page carry no token.");
          }}
        />
      </header>
      <Alerts alert={alert} status={status} onDismiss={() => setAlert(null)} />
      <main class="docs">
        {doc === null ? (
          <p class="muted">Loading the API description…</p>
        ) : (
          <>
            <p>{doc.info.description}</p>
            <p class="muted">
              Open an operation, fill in its form and send it: the request goes to this service
              {token === null ? " without a token" : " with the token you signed in with"}.
            </p>
            {operationsByTag(doc).map((group) => (
              <section key={group.name} aria-labelledby={`tag-${group.name}`}>
                <h2 id={`tag-${group.name}`}>{group.name}</h2>
                {group.description !== "" && <p>{group.description}</p>}
                {group.operations.map((located) => (
                  <OperationView key={located.id} located={located} />
                ))}
              </section>
            ))}
          </>
        )}
      </main>
    </>
  );
}
