import { MAX_BALANCE } from '@metered/core'
import { LUA_NOW, luaJoin } from './clock.js'

/**
 * Lua shared by every ledger script: docs/semantics.md's housekeeping, spending order, taking,
 * giving back and entry writing, over one account's keys. Each operation's script is this
 * prelude plus a short body, so every ledger call is one EVALSHA and runs atomically.
 *
 * KEYS  1 m (account row hash: seq, avail, held, closed, trimmed, trimmedCount)
 *       2 g (grants: id -> JSON)  3 gs (spending order zset)  4 h (holds: id -> JSON)
 *       5 ho (open holds by expiry)  6 hc (closed holds by closing order)  7 e (entries by seq)
 *       8 the account's idempotency record of this call's key (the m key again when the call has no key)
 * ARGV  1 now or ''  2 entries kept per account  3 closed holds kept per account
 *       4 account, tag-encoded (the tail of every id)  5 account  6 fingerprint or ''
 *       7.. the operation's own arguments
 *
 * Records are cjson documents whose numbers are strings: cjson prints numbers with 14
 * significant digits and amounts go up to 2^53 (cmsgpack would round-trip them, but not every
 * Redis-compatible server ships it). Replies and entries are JSON built by hand for the same
 * reason (`d()` prints integers in full); strings go through cjson.encode for escaping.
 * Numbers passed to redis.call() are formatted with `d()` too: Lua would print them as %.14g.
 */
export const LEDGER_PRELUDE_LUA = /* @__PURE__ */ luaJoin(
  LUA_NOW,
  `
local K_M, K_G, K_GS, K_H, K_HO, K_HC, K_E, K_I = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local HIST_CAP = tonumber(ARGV[2])
local HOLD_CAP = tonumber(ARGV[3])
local ACC = ARGV[4]
local ACCOUNT = ARGV[5]
local FP = ARGV[6]
-- a grant that never expires sorts after every real expiry; 16 digits, below 2^53
local NEVER = 9000000000000000
-- available + held of one account never passes it (grant refuses), so every running total and
-- every sum of entries taken in seq order is an integer a double holds exactly
local MAX_BALANCE = `,
  MAX_BALANCE,
  `

local function d(n) return string.format('%d', n) end
local function js(s) if s == nil then return 'null' end return cjson.encode(s) end
local function meta(s) if s == nil or s == '' then return nil end return s end
local function ok(result) return '{"s":"ok","r":' .. result .. '}' end

-- The account row (hash m) is read once (HMGET) and written once (HSET) per script, in
-- ledger_script's epilogue: each redis.call costs a few µs of bridging on top of the command.
local ROW_FIELDS = { 'seq', 'avail', 'held', 'closed', 'trimmed', 'trimmedCount' }
local row, dirty = nil, {}
local function load_row()
  if row then return end
  local v = redis.call('HMGET', K_M, unpack(ROW_FIELDS))
  row = {}
  for i, f in ipairs(ROW_FIELDS) do row[f] = tonumber(v[i] or '0') end
end
local function bump(field, delta)
  if delta == 0 then return row and row[field] end
  load_row()
  row[field] = row[field] + delta
  dirty[field] = true
  return row[field]
end
local function next_seq() return bump('seq', 1) end
local function avail() load_row() return row.avail end
local function held() load_row() return row.held end
local function flush_row()
  local args = {}
  for _, f in ipairs(ROW_FIELDS) do
    if dirty[f] then
      args[#args + 1] = f
      args[#args + 1] = d(row[f])
    end
  end
  if #args > 0 then redis.call('HSET', K_M, unpack(args)) end
end

-- idempotency: a stored result for this key is replayed, another fingerprint is a conflict.
-- A record naming a hold that was released is no record: a released hold frees its key
-- (docs/semantics.md). release cannot delete the record itself, whose key it cannot declare
-- (it knows only the hold id), so every reader of a record asks the hold; freed_by_release is
-- defined with the holds below.
local freed_by_release
local function replay()
  if FP == '' then return nil end
  local rec = redis.call('HMGET', K_I, 'f', 'r')
  if not rec[1] or freed_by_release(rec[2]) then return nil end
  if rec[1] ~= FP then return '{"s":"conflict"}' end
  return '{"s":"replay","r":' .. rec[2] .. '}'
end
local function remember(result) if FP ~= '' then redis.call('HSET', K_I, 'f', FP, 'r', result) end end

-- grants: { a amount, r remaining, cb clawback, p priority, x expiresAt|nil, c createdAt, s seq, st 'l'|'r', src }
-- cb: units a partial revoke could not take because they were held, owed by their hold's return
-- Records are cjson with every number as a string: cjson prints numbers with 14 significant digits,
-- amounts go up to 2^53, and cjson is the one codec every Redis-compatible server ships.
local function num(v) if v == nil then return nil end return tonumber(v) end
local function decode_grant(raw)
  local t = cjson.decode(raw)
  return { a = tonumber(t.a), r = tonumber(t.r), cb = tonumber(t.cb or '0'), p = tonumber(t.p), x = num(t.x),
    c = tonumber(t.c), s = tonumber(t.s), st = t.st, src = t.src }
end
local function load_grant(id)
  local raw = redis.call('HGET', K_G, id)
  if not raw then return nil end
  return decode_grant(raw)
end
local function save_grant(id, g)
  local x = nil
  if g.x then x = d(g.x) end
  redis.call('HSET', K_G, id, cjson.encode({ a = d(g.a), r = d(g.r), cb = d(g.cb), p = d(g.p), x = x, c = d(g.c),
    s = d(g.s), st = g.st, src = g.src }))
end
local function is_live(g) return g.st == 'l' and (g.x == nil or g.x > now) end
-- spending order as fixed-width text, so the zset (all scores 0) sorts by member bytes:
-- priority desc (1e6 - p), expiry asc with never last, seq asc; the grant id from byte 40 on
local function order_member(id, g)
  return string.format('%07d%016d%016d', 1000000 - g.p, g.x or NEVER, g.s) .. id
end
local function member_id(m) return string.sub(m, 40) end
local function member_expiry(m) return tonumber(string.sub(m, 8, 23)) end
local function member_seq(m) return tonumber(string.sub(m, 24, 39)) end

-- entries: JSON with seq, type and amount first so readers can pattern-match them cheaply
local function add_entry(kind, amount, gid, hid, reason, md)
  local s = next_seq()
  local id = 'e' .. d(s) .. ':' .. ACC
  local json = '{"seq":' .. d(s) .. ',"type":"' .. kind .. '","amount":' .. d(amount) .. ',"id":' .. js(id)
    .. ',"grantId":' .. js(gid) .. ',"holdId":' .. js(hid) .. ',"reason":' .. js(reason)
    .. ',"metadata":' .. (md or 'null') .. ',"createdAt":' .. d(now) .. '}'
  redis.call('ZADD', K_E, d(s), json)
  -- history is bounded: the oldest entries go, their sum is kept so verify still adds up. Summed
  -- in seq order, a run of entries' partial sums are differences of two running totals of the
  -- account, each within [0, MAX_BALANCE], so they are exact
  local count = redis.call('ZCARD', K_E)
  if count > HIST_CAP then
    local old = redis.call('ZRANGE', K_E, 0, count - HIST_CAP - 1)
    local sum = 0
    for _, m in ipairs(old) do sum = sum + tonumber(string.match(m, '"amount":(-?%d+)')) end
    bump('trimmed', sum)
    bump('trimmedCount', #old)
    redis.call('ZREMRANGEBYRANK', K_E, 0, count - HIST_CAP - 1)
  end
  return id
end

-- takes units in spending order; the caller has checked avail() >= units
local function take(units)
  local allocs = {}
  local left = units
  for _, m in ipairs(redis.call('ZRANGE', K_GS, 0, -1)) do
    if left == 0 then break end
    local id = member_id(m)
    local g = load_grant(id)
    local n = math.min(g.r, left)
    g.r = g.r - n
    left = left - n
    save_grant(id, g)
    if g.r == 0 then redis.call('ZREM', K_GS, m) end
    allocs[#allocs + 1] = id
    allocs[#allocs + 1] = n
  end
  bump('avail', -(units - left))
  return allocs
end

-- holds: { a amount, rs reason, x expiresAt, c createdAt, st 'o'|'s'|'r'|'e', al {id, units, ...},
--          md metadata JSON|nil, sa settled amount|nil, res settle result JSON|nil,
--          k name of the idempotency record it was placed with|nil }
local function decode_hold(raw)
  local t = cjson.decode(raw)
  local al = {}
  for i = 1, #t.al, 2 do
    al[i] = t.al[i]
    al[i + 1] = tonumber(t.al[i + 1])
  end
  return { a = tonumber(t.a), rs = t.rs, x = tonumber(t.x), c = tonumber(t.c), st = t.st, al = al, md = t.md,
    sa = num(t.sa), res = t.res, k = t.k }
end
local function load_hold(id)
  local raw = redis.call('HGET', K_H, id)
  if not raw then return nil end
  return decode_hold(raw)
end
local function save_hold(id, h)
  local al = {}
  for i = 1, #h.al, 2 do
    al[i] = h.al[i]
    al[i + 1] = d(h.al[i + 1])
  end
  local sa = nil
  if h.sa then sa = d(h.sa) end
  redis.call('HSET', K_H, id, cjson.encode({ a = d(h.a), rs = h.rs, x = d(h.x), c = d(h.c), st = h.st, al = al, md = h.md,
    sa = sa, res = h.res, k = h.k }))
end

-- true when the record \`raw\` names a hold of this account that was released. Records are the
-- account's own (keys are scoped per account), so the hold they name is always one of its holds.
freed_by_release = function(raw)
  local hold = cjson.decode(raw).hold
  if type(hold) ~= 'table' or type(hold.id) ~= 'string' then return false end
  local seq = string.match(hold.id, '^h(%d+):')
  if not seq or string.sub(hold.id, #seq + 3) ~= ACC then return false end
  local h = load_hold(hold.id)
  return h ~= nil and h.st == 'r'
end

-- returns allocations to their grants, last taken first (docs/semantics.md, "Returning held
-- units"): a live grant first pays its clawback (one revoke entry naming grant and hold; a hold
-- takes from a grant once, so that is one entry per grant), the rest goes back to remaining;
-- units of a grant no longer live are forfeited, recorded by one expire entry naming the hold.
-- forfeited counts both.
local function give_back(hid, h, allocs)
  local released, clawed, lost = 0, 0, 0
  for i = #allocs - 1, 1, -2 do
    local id, units = allocs[i], allocs[i + 1]
    local g = load_grant(id)
    if g and is_live(g) then
      local c = math.min(units, g.cb)
      g.cb = g.cb - c
      g.r = g.r + units - c
      save_grant(id, g)
      if c > 0 then add_entry('revoke', -c, id, hid, 'clawback', nil) end
      if g.r > 0 then redis.call('ZADD', K_GS, 0, order_member(id, g)) end
      released = released + units - c
      clawed = clawed + c
    else
      lost = lost + units
    end
  end
  bump('avail', released)
  if lost > 0 then add_entry('expire', -lost, nil, hid, h.rs, nil) end
  return released, clawed + lost
end

-- units of grant gid held by the open holds of the account (after housekeeping: none expired)
local function held_from(gid)
  local ids = redis.call('ZRANGE', K_HO, 0, -1)
  local units = 0
  -- HMGET in slices: unpack() of thousands of ids would overflow Lua's C stack
  for first = 1, #ids, 500 do
    local slice = {}
    for i = first, math.min(first + 499, #ids) do slice[#slice + 1] = ids[i] end
    for _, raw in ipairs(redis.call('HMGET', K_H, unpack(slice))) do
      if raw then
        local al = cjson.decode(raw).al
        for j = 1, #al, 2 do
          if al[j] == gid then units = units + tonumber(al[j + 1]) end
        end
      end
    end
  end
  return units
end

-- a closed hold stops counting as held; the newest HOLD_CAP closed holds are remembered
-- (for settle replays and hold_closed answers), older ones are forgotten, except a released
-- hold placed with a key: it is what says that its key's record is free (freed_by_release),
-- and is kept as long as that record, one per key like the records themselves
local function close_hold(hid, h, status)
  h.st = status
  save_hold(hid, h)
  redis.call('ZREM', K_HO, hid)
  bump('held', -h.a)
  redis.call('ZADD', K_HC, d(bump('closed', 1)), hid)
  local count = redis.call('ZCARD', K_HC)
  if count > HOLD_CAP then
    local old = redis.call('ZRANGE', K_HC, 0, count - HOLD_CAP - 1)
    local forget = {}
    for _, id in ipairs(old) do
      local o = load_hold(id)
      if o and not (o.st == 'r' and o.k) then forget[#forget + 1] = id end
    end
    if #forget > 0 then redis.call('HDEL', K_H, unpack(forget)) end
    redis.call('ZREMRANGEBYRANK', K_HC, 0, count - HOLD_CAP - 1)
  end
end

local function by_seq(a, b) return a[1] < b[1] end

-- housekeeping, first in every read and write: expired grants lose what is left (one expire
-- entry each, in creation order), then expired open holds give their units back
local function housekeep()
  local due = {}
  for _, m in ipairs(redis.call('ZRANGE', K_GS, 0, -1)) do
    if member_expiry(m) <= now then due[#due + 1] = { member_seq(m), m } end
  end
  table.sort(due, by_seq)
  for _, item in ipairs(due) do
    local id = member_id(item[2])
    local g = load_grant(id)
    add_entry('expire', -g.r, id, nil, g.src, nil)
    bump('avail', -g.r)
    g.r = 0
    save_grant(id, g)
    redis.call('ZREM', K_GS, item[2])
  end
  local holds = {}
  for _, hid in ipairs(redis.call('ZRANGEBYSCORE', K_HO, '-inf', d(now))) do
    holds[#holds + 1] = { tonumber(string.match(hid, '^h(%d+)')), hid }
  end
  table.sort(holds, by_seq)
  for _, item in ipairs(holds) do
    local h = load_hold(item[2])
    give_back(item[2], h, h.al)
    close_hold(item[2], h, 'e')
  end
end
`,
)

/**
 * A ledger script: the prelude, then `body` run as a function so that, whichever `return` it
 * takes, the account row is written back (one HSET) before the reply leaves the script.
 */
export function ledgerScript(body: string, extra = ''): string {
  return `${LEDGER_PRELUDE_LUA}${extra}
local function main()
${body}
end
local reply = main()
flush_row()
return reply
`
}
