import { ledgerScript } from './ledger-prelude.js'
import { LIMITER_EVAL_LUA } from './limiter-consume.js'

/**
 * One-step authorize (core's `Authorizer`): rules, balance check and hold (or debit) of one
 * account in ONE script, the order of `createMemoryAuthorizer`:
 *   1. housekeeping; evaluate every rule as a dry run; read available;
 *   2. balance short -> insufficient_credits; else a rule refuses -> rate_limited; nothing written;
 *   3. else reserve (idempotent: a replay returns the original hold and consumes no limits again),
 *      commit the rules, and with `charge` settle the fresh hold in full (a debit entry).
 *
 * KEYS  1..8 the ledger's (see the prelude), 9.. the rules' state keys
 * ARGV  1..6 the ledger's, 7 amount, 8 ttl ms, 9 reason, 10 metadata JSON or '', 11 '1' to charge,
 *       12 minimum PX of limiter state, 13 number of rules, 14.. 5 per rule (as limiter-consume)
 * Reply {"s":"ok"|"conflict","r":{...},"l":[limiter numbers as limiter-consume returns them]}
 */
export const AUTHORIZE_LUA = ledgerScript(
  `
housekeep()
local amount = tonumber(ARGV[7])
local charge = ARGV[11] == '1'
local n = tonumber(ARGV[13])
local out, writes, all = limits_evaluate(8, 13, n)
local printed = {}
for i = 1, #out do printed[i] = d(out[i]) end
local limits = '[' .. table.concat(printed, ',') .. ']'
local function reply(result) return '{"s":"ok","r":' .. result .. ',"l":' .. limits .. '}' end

local a = avail()
if a < amount then
  return reply('{"ok":false,"reason":"insufficient_credits","available":' .. d(a) .. ',"required":' .. d(amount) .. '}')
end
if not all then return reply('{"ok":false,"reason":"rate_limited","available":' .. d(a) .. '}') end

local hid, available, replayed
local rec = nil
if FP ~= '' then rec = redis.call('HMGET', K_I, 'f', 'r') end
if rec and rec[1] then
  if rec[1] ~= FP then return '{"s":"conflict"}' end
  replayed = true
  local stored = cjson.decode(rec[2])
  hid = stored.hold.id
  available = stored.available
else
  replayed = false
  local allocs = take(amount)
  hid = 'h' .. d(next_seq()) .. ':' .. ACC
  local h = { a = amount, rs = ARGV[9], x = now + tonumber(ARGV[8]), c = now, st = 'o', al = allocs, md = meta(ARGV[10]) }
  save_hold(hid, h)
  redis.call('ZADD', K_HO, d(h.x), hid)
  bump('held', amount)
  available = avail()
  remember('{"ok":true,"hold":{"id":' .. js(hid) .. ',"account":' .. js(ACCOUNT) .. ',"amount":' .. d(amount)
    .. ',"reason":' .. js(h.rs) .. ',"expiresAt":' .. d(h.x) .. ',"createdAt":' .. d(now) .. '},"available":'
    .. d(available) .. ',"replayed":false}')
  -- a replayed key consumed its limiter units the first time
  limits_commit(8, n, writes, tonumber(ARGV[12]))
end

if not charge then
  return reply('{"ok":true,"holdId":' .. js(hid) .. ',"entryId":null,"available":' .. d(available) .. ',"replayed":'
    .. tostring(replayed) .. '}')
end

-- charge: settle the hold for its whole amount (replays find it settled and reuse that result)
local h = load_hold(hid)
local eid = nil
if not h then
  -- replay of a charge whose hold was forgotten (closedHoldsLimit): the debit happened, its id is gone
  available = avail()
elseif h.sa ~= nil then
  local settled = cjson.decode(h.res)
  eid = settled.entryId
  available = settled.available
else
  close_hold(hid, h, 's')
  eid = add_entry('debit', -amount, nil, hid, h.rs, h.md)
  available = avail()
  h.sa = amount
  h.res = '{"ok":true,"charged":' .. d(amount) .. ',"released":0,"shortfall":0,"forfeited":0,"entryId":' .. js(eid)
    .. ',"available":' .. d(available) .. ',"holdExpired":false,"replayed":false}'
  save_hold(hid, h)
end
return reply('{"ok":true,"holdId":null,"entryId":' .. js(eid) .. ',"available":' .. d(available) .. ',"replayed":'
  .. tostring(replayed) .. '}')
`,
  LIMITER_EVAL_LUA,
)
