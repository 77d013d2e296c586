import { ledgerScript } from './ledger-prelude.js'

/**
 * reserve. ARGV 7 amount, 8 ttl ms, 9 reason, 10 metadata JSON or ''.
 * Takes the units like a debit but into an open hold that remembers which grants they came
 * from; no entry is written until settle. The hold id carries the account, so settle and
 * release find its keys without a lookup.
 */
export const LEDGER_RESERVE_LUA = /* @__PURE__ */ ledgerScript(`housekeep()
local r = replay()
if r then return r end
local amount = tonumber(ARGV[7])
local a = avail()
if a < amount then
  return ok('{"ok":false,"reason":"insufficient_credits","available":' .. d(a) .. ',"required":' .. d(amount) .. '}')
end
local allocs = take(amount)
local hid = 'h' .. d(next_seq()) .. ':' .. ACC
local h = { a = amount, rs = ARGV[9], x = now + tonumber(ARGV[8]), c = now, st = 'o', al = allocs, md = meta(ARGV[10]) }
if FP ~= '' then h.k = K_I end
save_hold(hid, h)
redis.call('ZADD', K_HO, d(h.x), hid)
bump('held', amount)
local result = '{"ok":true,"hold":{"id":' .. js(hid) .. ',"account":' .. js(ACCOUNT) .. ',"amount":' .. d(amount)
  .. ',"reason":' .. js(h.rs) .. ',"expiresAt":' .. d(h.x) .. ',"createdAt":' .. d(now) .. '},"available":'
  .. d(avail()) .. ',"replayed":false}'
remember(result)
return ok(result)
`)
