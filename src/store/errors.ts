/**
 * Thrown by a backend when storage cannot answer (unreachable, timed out,
 * refused). The API turns it into a 503; it never means "not found".
 */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
