/**
 * Adds keys found by SCAN to the ordered index. KEYS: the ordered index.
 * ARGV: value namespace, reserved namespace, then the candidate Redis keys.
 * Only string keys inside the namespace and outside its reserved part count.
 * Answers how many members were new.
 */
export const REINDEX_LUA = `
local index = KEYS[1]
local value_ns, reserved_ns = ARGV[1], ARGV[2]
local added = 0
for i = 3, #ARGV do
  local key = ARGV[i]
  if string.sub(key, 1, #value_ns) == value_ns and string.sub(key, 1, #reserved_ns) ~= reserved_ns then
    local kind = redis.call('TYPE', key)
    if type(kind) == 'table' then kind = kind.ok end
    if kind == 'string' then
      added = added + redis.call('ZADD', index, 'NX', 0, string.sub(key, #value_ns + 1))
    end
  end
end
return added
`;
