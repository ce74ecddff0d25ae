/**
 * A stretch of the change log. KEYS: revision counter, change log. ARGV: the
 * first entry id to read ('<revision>-0'), how many. A full page goes on to
 * the end of its last revision, so that a transaction is never split. Answers
 * {revision, entries} with XRANGE's entries: {id, {field, value, ...}}.
 */
export const CHANGES_LUA = `
local revision = tonumber(redis.call('GET', KEYS[1]) or '0')
local entries = redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])
if #entries > 0 and #entries == tonumber(ARGV[2]) then
  local last = entries[#entries][1]
  local last_revision = string.match(last, '^(%d+)-')
  local rest = redis.call('XRANGE', KEYS[2], '(' .. last, last_revision .. '-18446744073709551615')
  for _, entry in ipairs(rest) do entries[#entries + 1] = entry end
end
return {revision, entries}
`;
