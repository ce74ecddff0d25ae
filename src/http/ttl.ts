/** The longest TTL accepted, in seconds (ten years). */
export const MAX_TTL_SECONDS = 315_360_000;
