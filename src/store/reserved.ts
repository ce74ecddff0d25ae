/**
 * Keys starting with this prefix hold the store's own data (versions, metadata,
 * the ordered index) beside the values; the API refuses them as user keys.
 */
export const RESERVED_KEY_PREFIX = "__edgekv__:";
