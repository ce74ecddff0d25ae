/**
 * Lua helpers shared by the store's scripts. Conventions: KEYS[1] is the
 * revision counter and KEYS[2] the ordered index (ops script); numbers passed
 * back to Redis go through int_text (Lua would print 1.7e12 as "1.7e+12");
 * string comparison is never done in Lua (it follows the server's locale).
 */
export const COMMON_LUA = `
local function int_text(n) return string.format('%.0f', n) end

local now_cache = nil
local function now_ms()
  if now_cache == nil then
    local t = redis.call('TIME')
    now_cache = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now_cache
end

-- The deadline (unix ms) of a live value key, or nil. Redis deletes a key once
-- its expire time has passed, so the store sets expire time = deadline - 1 and
-- a key is gone at its deadline, as on the Map backend. The deadline the store
-- recorded wins while it agrees with Redis's own TTL; a TTL another client set
-- is read from PTTL.
local function deadline_of(vkey, recorded)
  local pttl = redis.call('PTTL', vkey)
  if pttl < 0 then return nil end
  local derived = now_ms() + pttl + 1
  if recorded ~= nil and math.abs(recorded - derived) <= 1000 then return recorded end
  return derived
end

-- Version (0 when written by another client), deadline and metadata of a live key.
local function read_meta(vkey, mkey)
  local fields = redis.call('HMGET', mkey, 'version', 'expiresAt', 'metadata')
  return {
    version = tonumber(fields[1]) or 0,
    at = deadline_of(vkey, tonumber(fields[2])),
    metadata = fields[3],
  }
end
`;
