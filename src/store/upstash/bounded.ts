import { StorageUnavailableError } from "../errors";

const MAX_DETAIL_LENGTH = 200;

/**
 * A short, safe description of a client error: the Upstash client appends the
 * whole command (values included) to its messages, which must not leak into
 * API answers.
 */
function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const withoutCommand = message.split(", command was:")[0] ?? message;
  return withoutCommand.length > MAX_DETAIL_LENGTH ? `${withoutCommand.slice(0, MAX_DETAIL_LENGTH)}…` : withoutCommand;
}

/**
 * Runs one storage call with a time bound. Whatever goes wrong (timeout,
 * network failure, HTTP error, Redis error) becomes a StorageUnavailableError.
 */
export async function bounded<T>(what: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StorageUnavailableError(`Upstash did not answer ${what} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work(), deadline]);
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError(`Upstash ${what} failed: ${describe(error)}`, { cause: error });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
