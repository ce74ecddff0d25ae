import { COMMON_LUA } from "./common";

/** ARGV slots per operation of the ops script. */
export const OP_WIDTH = 8;

/** ARGV slots per transaction check. */
export const CHECK_WIDTH = 3;

/** ARGV slots before the checks and ops. */
export const HEADER_WIDTH = 6;

/** KEYS before the per-op and per-check keys. */
export const FIXED_KEYS = 5;

/**
 * The script behind every write, every batch and every transaction: it runs a
 * list of operations atomically, appends each change to the change log, and
 * keeps the Idempotency-Key record, all in one step.
 *
 * KEYS: revision counter, ordered index, change log (a stream), idempotency
 * record, scratch key; then (value key, meta key) per op; then per check.
 * ARGV: mode (each | txn), change log size, idempotency (none | record),
 * request fingerprint, record TTL in ms, number of checks; then
 * CHECK_WIDTH slots per check: member, kind (version | absent | present),
 * version; then OP_WIDTH slots per op: op, member (the user key), json (the
 * step for incr), expiry kind (none | at | keep), deadline (unix ms), metadata
 * JSON ('' for none), condition kind (always | absent | version), condition version.
 *
 * Answers {'done', revision | -1, reply per op}, {'check_failed', index,
 * version | -1, ...}, {'op_failed', index, reply}, or for an Idempotency-Key
 * seen before {'replay', encoded answer} or {'reused'}. Op replies: get {'entry', json, version, deadline | -1, metadata
 * | ''} or {'missing'}; put {'created' | 'replaced', version, deadline | -1} or
 * {'conflict'}; delete {'deleted', version} | {'missing'} | {'conflict'};
 * expire {'updated', version, deadline | -1} | {'missing'} | {'conflict'};
 * incr {'ok', value text, version} | {'not_integer'}.
 */
export const OPS_LUA = `${COMMON_LUA}
local REVISION, INDEX, CHANGES, RECORD, SCRATCH = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local mode, log_size, idempotency, fingerprint, record_ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local check_count = tonumber(ARGV[6])
local op_count = (#KEYS - ${FIXED_KEYS}) / 2 - check_count

-- An answer as text, for the Idempotency-Key record: 'a<n>:' then the items,
-- 'i<digits>;' for an integer, 's<bytes>:<bytes>' for a string.
local function encode(value)
  if type(value) == 'table' then
    local parts = {}
    for i = 1, #value do parts[i] = encode(value[i]) end
    return 'a' .. #value .. ':' .. table.concat(parts)
  elseif type(value) == 'number' then
    return 'i' .. int_text(value) .. ';'
  end
  return 's' .. #value .. ':' .. value
end

-- The record is '<fingerprint>:<encoded answer>'.
if idempotency == 'record' then
  local record = redis.call('GET', RECORD)
  if record then
    local seen, answer = string.match(record, '^(%x+):(.*)$')
    if seen ~= fingerprint then return {'reused'} end
    return {'replay', answer}
  end
end

local function remember(reply)
  if idempotency == 'record' then
    redis.call('SET', RECORD, fingerprint .. ':' .. encode(reply), 'PX', record_ttl)
  end
  return reply
end

local function read_state(vkey, mkey)
  if redis.call('EXISTS', vkey) == 0 then return nil end
  return read_meta(vkey, mkey)
end

local function holds(kind, version_text, state)
  if kind == 'always' or kind == '' then return true end
  if kind == 'absent' then return state == nil end
  if kind == 'present' then return state ~= nil end
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

-- Appends one change to the capped log, its id the revision and its place in it.
local function log_change(version, seq, kind, member, at, metadata, json)
  redis.call('XADD', CHANGES, 'MAXLEN', log_size, int_text(version) .. '-' .. seq,
    't', kind, 'k', member, 'x', at and int_text(at) or '', 'm', metadata or '', 'j', json or '')
end

local function op_get(vkey, mkey)
  local json = redis.call('GET', vkey)
  if not json then return {'missing'} end
  local meta = read_meta(vkey, mkey)
  return {'entry', json, meta.version, meta.at or -1, meta.metadata or ''}
end

local function op_put(vkey, mkey, member, json, expiry_kind, at_text, metadata, cond_kind, cond_version, take, seq)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  local at = deadline_for(expiry_kind, at_text, state)
  local version = take()
  redis.call('SET', vkey, json)
  write_meta(mkey, version, at, metadata)
  if at then
    set_deadline(at, vkey)
    set_deadline(at, mkey)
  end
  redis.call('ZADD', INDEX, 0, member)
  log_change(version, seq, 'put', member, at, metadata, json)
  return {state and 'replaced' or 'created', version, at or -1}
end

local function op_delete(vkey, mkey, member, cond_kind, cond_version, take, seq)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  if state == nil then
    redis.call('DEL', mkey)
    redis.call('ZREM', INDEX, member)
    return {'missing'}
  end
  local version = take()
  redis.call('DEL', vkey, mkey)
  redis.call('ZREM', INDEX, member)
  log_change(version, seq, 'delete', member, nil, nil, nil)
  return {'deleted', version}
end

local function op_expire(vkey, mkey, member, expiry_kind, at_text, cond_kind, cond_version, take, seq)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  if state == nil then return {'missing'} end
  local at = deadline_for(expiry_kind, at_text, state)
  local version = take()
  update_meta(mkey, version, at)
  set_deadline(at, vkey)
  set_deadline(at, mkey)
  log_change(version, seq, 'put', member, at, state.metadata, redis.call('GET', vkey))
  return {'updated', version, at or -1}
end

local function op_incr(vkey, mkey, member, by, expiry_kind, at_text, take, seq)
  local state = read_state(vkey, mkey)
  local done = redis.pcall('INCRBY', vkey, by)
  if type(done) == 'table' and done.err then return {'not_integer'} end
  -- Read the sum as text: a Lua number would round it past 2^53.
  local value = redis.call('GET', vkey)
  local version = take()
  local at, metadata = nil, nil
  if state == nil then
    at = deadline_for(expiry_kind, at_text, nil)
    write_meta(mkey, version, at, '')
    if at then
      set_deadline(at, vkey)
      set_deadline(at, mkey)
    end
  else
    at, metadata = state.at, state.metadata
    update_meta(mkey, version, at)
    set_deadline(at, mkey)
  end
  redis.call('ZADD', INDEX, 0, member)
  log_change(version, seq, 'put', member, at, metadata, value)
  return {'ok', value, version}
end

local function op_args(i)
  local base = ${HEADER_WIDTH} + check_count * ${CHECK_WIDTH} + (i - 1) * ${OP_WIDTH}
  return KEYS[${FIXED_KEYS} + 2 * i - 1], KEYS[${FIXED_KEYS} + 2 * i], unpack(ARGV, base + 1, base + ${OP_WIDTH})
end

local function run_op(i, take, seq)
  local vkey, mkey, op, member, json, expiry_kind, at_text, metadata, cond_kind, cond_version = op_args(i)
  if op == 'get' then return op_get(vkey, mkey) end
  if op == 'put' then
    return op_put(vkey, mkey, member, json, expiry_kind, at_text, metadata, cond_kind, cond_version, take, seq)
  end
  if op == 'delete' then return op_delete(vkey, mkey, member, cond_kind, cond_version, take, seq) end
  if op == 'expire' then return op_expire(vkey, mkey, member, expiry_kind, at_text, cond_kind, cond_version, take, seq) end
  if op == 'incr' then return op_incr(vkey, mkey, member, json, expiry_kind, at_text, take, seq) end
  return redis.error_reply('ERR edge-kv: unknown op ' .. tostring(op))
end

-- What an op of a transaction would answer if it cannot apply, or nil when it can.
local function refusal(i)
  local vkey, mkey, op, member, json, _, _, _, cond_kind, cond_version = op_args(i)
  local state = read_state(vkey, mkey)
  if not holds(cond_kind, cond_version, state) then return {'conflict'} end
  if (op == 'delete' or op == 'expire') and state == nil then return {'missing'} end
  if op == 'incr' and state ~= nil then
    redis.call('SET', SCRATCH, redis.call('GET', vkey))
    local done = redis.pcall('INCRBY', SCRATCH, json)
    redis.call('DEL', SCRATCH)
    if type(done) == 'table' and done.err then return {'not_integer'} end
  end
  return nil
end

local function next_revision() return redis.call('INCR', REVISION) end

if mode == 'each' then
  local replies = {}
  for i = 1, op_count do replies[i] = run_op(i, next_revision, 0) end
  return remember({'done', -1, replies})
end

local failed = {'check_failed'}
for c = 1, check_count do
  local base = ${HEADER_WIDTH} + (c - 1) * ${CHECK_WIDTH}
  local vkey = KEYS[${FIXED_KEYS} + 2 * op_count + 2 * c - 1]
  local mkey = KEYS[${FIXED_KEYS} + 2 * op_count + 2 * c]
  local state = read_state(vkey, mkey)
  if not holds(ARGV[base + 2], ARGV[base + 3], state) then
    failed[#failed + 1] = c - 1
    failed[#failed + 1] = state and state.version or -1
  end
end
if #failed > 1 then return remember(failed) end
for i = 1, op_count do
  local refused = refusal(i)
  if refused then return remember({'op_failed', i - 1, refused}) end
end
-- Every op of a transaction writes (no gets), so op i is change i - 1 of the revision.
local revision = redis.call('INCR', REVISION)
local function shared() return revision end
local replies = {}
for i = 1, op_count do replies[i] = run_op(i, shared, i - 1) end
return remember({'done', revision, replies})
`;
