import { COMMON_LUA } from "./common";

/**
 * One page of the ordered listing. KEYS: the ordered index. ARGV: value
 * namespace, meta namespace, start bound ('-', '[prefix' or '(after'),
 * prefix, limit, values (1 | 0). Walks the index with ZRANGE BYLEX, skips
 * members whose value is gone (expired, deleted by another client) and removes
 * them from the index as it goes. Answers {complete (1|0), then key, version,
 * deadline | -1, metadata | '' and, with values, the value per entry}.
 */
export const LIST_LUA = `${COMMON_LUA}
local index = KEYS[1]
local value_ns, meta_ns, start, prefix, limit = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local with_values = ARGV[6] == '1'
-- UTF-8 never holds byte 0xFF, so '(prefix\\255' bounds every key with the prefix.
local stop = '+'
if prefix ~= '' then stop = '(' .. prefix .. '\\255' end
local chunk = limit + 1
if chunk < 64 then chunk = 64 end

local page = {1}
local found, complete, cursor = 0, 1, start
while true do
  local members = redis.call('ZRANGE', index, cursor, stop, 'BYLEX', 'LIMIT', 0, chunk)
  for _, member in ipairs(members) do
    local vkey = value_ns .. member
    if redis.call('EXISTS', vkey) == 1 then
      if found == limit then
        complete = 0
        break
      end
      found = found + 1
      local meta = read_meta(vkey, meta_ns .. member)
      page[#page + 1] = member
      page[#page + 1] = meta.version
      page[#page + 1] = meta.at or -1
      page[#page + 1] = meta.metadata or ''
      if with_values then page[#page + 1] = redis.call('GET', vkey) end
    else
      redis.call('ZREM', index, member)
      redis.call('DEL', meta_ns .. member)
    end
  end
  if complete == 0 or #members < chunk then break end
  cursor = '(' .. members[#members]
end
page[1] = complete
return page
`;
