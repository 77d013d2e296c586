import { ledgerScript } from './ledger-prelude.js'
import { LIMITER_EVAL_LUA } from './limiter-consume.js'

/**
 * One-step authorize (core's `Authorizer`): rules, balance check and hold (or debit) of one
 * account in ONE script, in the order of docs/semantics.md ("One-step authorize"):
 *   1. idempotency first: a known key with the same fingerprint returns the original ticket
 *      (same hold or debit entry, `available` as stored, the rules evaluated now as a dry run),
 *      writing nothing, even when the balance or a rule would refuse a fresh call; another
 *      fingerprint is a conflict, and so is a charge under a key whose hold was not charged in
 *      full (it was a hold-mode call: reserve, or authorize with an estimate);
 *   2. housekeeping; evaluate every rule as a dry run; read available;
 *   3. balance short -> insufficient_credits; else a rule refuses -> rate_limited; nothing written;
 *   4. else reserve, commit the rules, and with `charge` settle the fresh hold in full (a debit
 *      entry); the key remembers the reserve's result.
 *
 * KEYS  1..8 the ledger's (see the prelude), 9.. the rules' state keys
 * ARGV  1..6 the ledger's, 7 amount, 8 ttl ms, 9 reason, 10 metadata JSON or '', 11 '1' to charge,
 *       12 minimum PX of limiter state (0 without an injected clock), 13 number of rules,
 *       14.. the rules' arguments (as limiter-consume: kind, limit, windowMs, cost, bucket refill)
 * Reply {"s":"ok"|"conflict","r":{...},"l":"<now, epoch ms>/<states read>" as limiter-consume's}
 */
export const AUTHORIZE_LUA = /* @__PURE__ */ ledgerScript(
  `
local amount = tonumber(ARGV[7])
local charge = ARGV[11] == '1'
local n = tonumber(ARGV[13])
local rec = nil
if FP ~= '' then
  rec = redis.call('HMGET', K_I, 'f', 'r', 'c', 'ca')
  -- a released hold freed its key: the call is evaluated afresh (see the prelude's replay)
  if not rec[1] or freed_by_release(rec[2]) then
    rec = nil
  elseif rec[1] ~= FP then
    return '{"s":"conflict"}'
  end
end

local limits, states, pxs, all = limits_evaluate(8, 13, n, d(now))
-- the states read are digits, '.', ':', 'e', '+' and '-': nothing to escape in a JSON string
local function reply(result) return '{"s":"ok","r":' .. result .. ',"l":"' .. limits .. '"}' end
local function ticket(hid, eid, available, replayed)
  return reply('{"ok":true,"holdId":' .. js(hid) .. ',"entryId":' .. js(eid) .. ',"available":' .. d(available)
    .. ',"replayed":' .. tostring(replayed) .. '}')
end

-- charge: settle the fresh hold for its whole amount, as settle would; the key's record keeps
-- the debit entry, so a retry finds it even after the hold is forgotten
local function charge_hold(hid, h)
  close_hold(hid, h, 's')
  local eid = add_entry('debit', -h.a, nil, hid, h.rs, h.md)
  h.sa = h.a
  h.res = '{"ok":true,"charged":' .. d(h.a) .. ',"released":0,"shortfall":0,"forfeited":0,"entryId":' .. js(eid)
    .. ',"available":' .. d(avail()) .. ',"holdExpired":false,"replayed":false}'
  save_hold(hid, h)
  if FP ~= '' then redis.call('HSET', K_I, 'c', eid, 'ca', d(avail())) end
  return eid
end

if rec then
  local stored = cjson.decode(rec[2])
  local hid = stored.hold.id
  if not charge then return ticket(hid, nil, stored.available, true) end
  -- a charge keeps its debit entry in the record (c, ca), whatever becomes of the hold
  if rec[3] then return ticket(nil, rec[3], tonumber(rec[4]), true) end
  -- the key placed a hold without charging it (reserve, or authorize with an estimate): the
  -- same charge only if that hold was since settled for exactly this amount, else a conflict
  local h = load_hold(hid)
  if h then
    local settled = h.res and cjson.decode(h.res)
    if not settled or h.sa ~= amount or settled.holdExpired then return '{"s":"conflict"}' end
    return ticket(nil, settled.entryId, settled.available, true)
  end
  -- a record written before charges kept their entry, whose hold is forgotten (closedHoldsLimit)
  return ticket(nil, nil, stored.available, true)
end

housekeep()
local a = avail()
if a < amount then
  return reply('{"ok":false,"reason":"insufficient_credits","available":' .. d(a) .. ',"required":' .. d(amount) .. '}')
end
if not all then return reply('{"ok":false,"reason":"rate_limited","available":' .. d(a) .. '}') end

local allocs = take(amount)
local hid = 'h' .. d(next_seq()) .. ':' .. ACC
local h = { a = amount, rs = ARGV[9], x = now + tonumber(ARGV[8]), c = now, st = 'o', al = allocs, md = meta(ARGV[10]) }
if FP ~= '' then h.k = K_I end
save_hold(hid, h)
redis.call('ZADD', K_HO, d(h.x), hid)
bump('held', amount)
remember('{"ok":true,"hold":{"id":' .. js(hid) .. ',"account":' .. js(ACCOUNT) .. ',"amount":' .. d(amount)
  .. ',"reason":' .. js(h.rs) .. ',"expiresAt":' .. d(h.x) .. ',"createdAt":' .. d(now) .. '},"available":'
  .. d(avail()) .. ',"replayed":false}')
limits_commit(8, n, states, pxs, ARGV[12])
if not charge then return ticket(hid, nil, avail(), false) end
return ticket(nil, charge_hold(hid, h), avail(), false)
`,
  LIMITER_EVAL_LUA,
)
