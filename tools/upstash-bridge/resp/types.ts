/**
 * A RESP2 reply as it came off the socket. Strings stay raw bytes and integers
 * stay decimal text, so nothing is lost before the reply is encoded as JSON.
 */
export type RespValue =
  | { kind: "simple"; bytes: Buffer }
  | { kind: "error"; message: string }
  | { kind: "integer"; text: string }
  /** `bytes` is null for the nil bulk string. */
  | { kind: "bulk"; bytes: Buffer | null }
  /** `items` is null for the nil array. */
  | { kind: "array"; items: RespValue[] | null };
