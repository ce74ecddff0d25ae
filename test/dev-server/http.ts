import { type Agent, request } from "node:http";
import { connect } from "node:net";

/** An answer, or what happened instead. */
export type Outcome =
  | { kind: "answer"; status: number; contentType: string; text: string; ms: number; bodySent: boolean }
  | { kind: "error"; message: string; ms: number }
  | { kind: "gave up"; ms: number };

/** Options of one raw request. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | number>;
  /** Sent in 64 KiB writes, chunked unless a Content-Length header is given. */
  body?: Buffer;
  /** With `Expect: 100-continue`: the body goes out only after a 100 Continue. */
  expectContinue?: boolean;
  /** Abort after this many milliseconds without an answer. */
  giveUpMs?: number;
  /** A keep-alive agent to reuse connections; a fresh connection otherwise. */
  agent?: Agent;
}

const WRITE_BYTES = 64 * 1024;

/**
 * One HTTP/1.1 request with node:http, where fetch hides what matters here:
 * chunked uploads, Expect: 100-continue, and whether the body was sent at all.
 */
export function rawRequest(base: string, options: RawRequest): Promise<Outcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  return new Promise((resolve) => {
    let bodySent = false;
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.expectContinue) headers.Expect = "100-continue";
    const req = request(`${base}${options.path}`, { method: options.method, headers, agent: options.agent ?? false });
    const timer = setTimeout(() => {
      settle({ kind: "gave up", ms: elapsed() });
      req.destroy();
    }, options.giveUpMs ?? 20_000);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () =>
        settle({
          kind: "answer",
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"] ?? "",
          text,
          ms: elapsed(),
          bodySent,
        }),
      );
    });
    req.on("error", (error) => settle({ kind: "error", message: error.message, ms: elapsed() }));
    const sendBody = () => {
      const body = options.body ?? Buffer.alloc(0);
      let offset = 0;
      const write = () => {
        while (offset < body.length) {
          const piece = body.subarray(offset, offset + WRITE_BYTES);
          offset += piece.length;
          bodySent = true;
          if (!req.write(piece)) {
            req.once("drain", write);
            return;
          }
        }
        req.end();
      };
      write();
    };
    if (options.expectContinue) {
      req.on("continue", sendBody);
      req.flushHeaders();
    } else {
      sendBody();
    }
  });
}

/** Narrows an outcome to an answer, failing with what happened otherwise. */
export function answered(outcome: Outcome): Extract<Outcome, { kind: "answer" }> {
  if (outcome.kind !== "answer") throw new Error(`no answer: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Writes `text` to a TCP connection and resolves with everything read until it closes. */
export function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("close", () => resolve(received));
    // A server that answers before reading all of a request may reset the connection:
    // what arrived before the reset is the answer ("" when nothing did).
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve(received) : reject(error),
    );
    socket.end(text);
  });
}

/** A `/set` body whose value makes the whole JSON `bytes` long. */
export function setBody(key: string, bytes: number): Buffer {
  const frame = JSON.stringify({ key, value: "" });
  return Buffer.from(JSON.stringify({ key, value: "x".repeat(bytes - frame.length) }));
}
