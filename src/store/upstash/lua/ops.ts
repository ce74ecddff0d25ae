import { COMMON_LUA } from "./common";

/** ARGV slots per operation of the ops script. */
export const OP_WIDTH = 8;

/**
 * The script behind every single-key call and every batch: it runs a list of
 * operations atomically, in order, and answers one array per operation.
 *
 * KEYS: revision counter, ordered index, then (value key, meta key) per op.
 * ARGV per op (OP_WIDTH slots): op, member (the user key), json (the step for
 * incr), expiry kind (none | at | keep), deadline (unix ms), metadata JSON
 * ('' for none), condition kind (always | absent | version), condition version.
 *
 * Answers: get {'entry', json, version, deadline | -1, metadata | ''} or
 * {'missing'}; put {'created' | 'replaced', version, deadline | -1} or
 * {'conflict'}; delete {'deleted' | 'missing' | 'conflict'}; expire
 * {'updated', version, deadline | -1} | {'missing'} | {'conflict'}; incr
 * {'ok', value text, version} | {'not_integer'}.
 */
export const OPS_LUA = `${COMMON_LUA}
local REVISION, INDEX = KEYS[1], KEYS[2]

local function read_state(vkey, mkey)
  if redis.call('EXISTS', vkey) == 0 then return nil end
  return read_meta(vkey, mkey)
end

local function holds(kind, version_text, state)
  if kind == 'always' then return true end
  if kind == 'absent' then return state == nil end
  return state ~= nil and state.version == tonumber(version_text)
end

local function deadline_for(kind, at_text, state)
  if kind == 'at' then return tonumber(at_text) end
  if kind == 'keep' and state ~= nil then return state.at end
  return nil
end

-- Gone at the deadline: Redis keeps a key through its expire time (see deadline_of).
local function set_deadline(at, key)
  if at then redis.call('PEXPIREAT', key, int_text(at - 1)) else redis.call('PERSIST', key) end
end

-- Writes the meta hash afresh: version, deadline, metadata.
local function write_meta(mkey, version, at, metadata)
  redis.call('DEL', mkey)
  redis.call('HSET', mkey, 'version', int_text(version))
  if at then redis.call('HSET', mkey, 'expiresAt', int_text(at)) end
  if metadata ~= '' then redis.call('HSET', mkey, 'metadata', metadata) end
end

-- Updates version and deadline, keeping the metadata.
local function update_meta(mkey, version, at)
  redis.call('HSET', mkey, 'version', int_text(version))
  if at then redis.call('HSET', mkey, 'expiresAt', int_text(at)) else redis.call('HDEL', mkey, 'expiresAt') end
end

local function op_get(vkey, mkey)
  local json = redis.call('GET', vkey)
  if not json then return {'missing'} end
  local meta = read_meta(vkey, mkey)
  return {'entry', json, meta.version, meta.at or -1, meta.metadata or ''}
end

local function op_put(vkey, mkey, member, json, expiry_kind, at_text, metadata, cond_kind, cond_version)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  local at = deadline_for(expiry_kind, at_text, state)
  local version = redis.call('INCR', REVISION)
  redis.call('SET', vkey, json)
  write_meta(mkey, version, at, metadata)
  if at then
    set_deadline(at, vkey)
    set_deadline(at, mkey)
  end
  redis.call('ZADD', INDEX, 0, member)
  return {state and 'replaced' or 'created', version, at or -1}
end

local function op_delete(vkey, mkey, member, cond_kind, cond_version)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  redis.call('DEL', vkey, mkey)
  redis.call('ZREM', INDEX, member)
  if state == nil then return {'missing'} end
  return {'deleted'}
end

local function op_expire(vkey, mkey, expiry_kind, at_text, cond_kind, cond_version)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  if state == nil then return {'missing'} end
  local at = deadline_for(expiry_kind, at_text, state)
  local version = redis.call('INCR', REVISION)
  update_meta(mkey, version, at)
  set_deadline(at, vkey)
  set_deadline(at, mkey)
  return {'updated', version, at or -1}
end

local function op_incr(vkey, mkey, member, by, expiry_kind, at_text)
  local state = read_state(vkey, mkey)
  local done = redis.pcall('INCRBY', vkey, by)
  if type(done) == 'table' and done.err then return {'not_integer'} end
  -- Read the sum as text: a Lua number would round it past 2^53.
  local value = redis.call('GET', vkey)
  local version = redis.call('INCR', REVISION)
  if state == nil then
    local at = deadline_for(expiry_kind, at_text, nil)
    write_meta(mkey, version, at, '')
    if at then
      set_deadline(at, vkey)
      set_deadline(at, mkey)
    end
  else
    update_meta(mkey, version, state.at)
    set_deadline(state.at, mkey)
  end
  redis.call('ZADD', INDEX, 0, member)
  return {'ok', value, version}
end

local results = {}
for i = 1, (#KEYS - 2) / 2 do
  local vkey, mkey = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local base = (i - 1) * ${OP_WIDTH}
  local op, member, json, expiry_kind, at_text, metadata, cond_kind, cond_version = unpack(ARGV, base + 1, base + ${OP_WIDTH})
  if op == 'get' then results[i] = op_get(vkey, mkey)
  elseif op == 'put' then results[i] = op_put(vkey, mkey, member, json, expiry_kind, at_text, metadata, cond_kind, cond_version)
  elseif op == 'delete' then results[i] = op_delete(vkey, mkey, member, cond_kind, cond_version)
  elseif op == 'expire' then results[i] = op_expire(vkey, mkey, expiry_kind, at_text, cond_kind, cond_version)
  elseif op == 'incr' then results[i] = op_incr(vkey, mkey, member, json, expiry_kind, at_text)
  else return redis.error_reply('ERR edge-kv: unknown op ' .. tostring(op)) end
end
return results
`;
