import { ApiError } from "../problems";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function tooLarge(limit: number, size: number | null): ApiError {
  const actual = size === null ? `more than ${limit}` : String(size);
  return new ApiError("body_too_large", {
    detail: `The request body is ${actual} bytes; the limit is ${limit} bytes`,
    extras: { limit, size },
  });
}

/**
 * Reads a request body as UTF-8 text, refusing it with 413 when it exceeds
 * `limit` bytes: from Content-Length before reading anything, or while
 * streaming, without buffering past the limit. A streamed body found too
 * large is still read to its end, and thrown away, up to twice the limit in
 * all (see discardRest); past that, reading stops.
 */
export async function readBoundedText(request: Request, limit: number): Promise<string> {
  const header = request.headers.get("content-length");
  const declared = header !== null && /^[0-9]+$/.test(header) ? Number(header) : null;
  if (declared !== null && declared > limit) throw tooLarge(limit, declared);
  // A declared length within the limit: read it whole (HTTP framing holds the
  // body to that length), skipping the chunk-by-chunk loop and the stream
  // object `request.body` would make.
  if (declared !== null) return decodeUtf8(new Uint8Array(await request.arrayBuffer()), limit);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) throw tooLarge(limit, await discardRest(reader, size, 2 * limit));
    chunks.push(value);
  }
  return decodeUtf8(concat(chunks, size), limit);
}

/**
 * Reads the rest of a refused body, keeping nothing, and answers its whole
 * size, or null when it gave up past `most` bytes (or the client went away).
 * Answering while the client still sends leaves the rest unread on the
 * connection: workerd then resets it, so the client may never see the 413,
 * and `wrangler dev`'s proxy loses the next request ("Network connection
 * lost") and exits. Reading at most `most` bytes bounds the work a refused
 * body costs.
 */
async function discardRest(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  read: number,
  most: number,
): Promise<number | null> {
  let size = read;
  try {
    while (size <= most) {
      const { done, value } = await reader.read();
      if (done) return size;
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing is left to keep consistent.
  }
  return null;
}

function decodeUtf8(bytes: Uint8Array, limit: number): string {
  if (bytes.byteLength > limit) throw tooLarge(limit, bytes.byteLength);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ApiError("invalid_utf8", { detail: "The request body is not valid UTF-8" });
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return only;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Refuses a body whose Content-Type is not JSON with 415. A missing
 * Content-Type is read as JSON, as the older services did.
 */
export function requireJsonContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === "") return;
  const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return;
  throw new ApiError("unsupported_media_type", {
    detail: `Content-Type must be application/json, got '${mediaType}'`,
    extras: { contentType: mediaType },
  });
}
