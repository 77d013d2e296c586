import { ledgerScript } from './ledger-prelude.js'

/**
 * grant. ARGV 7 amount, 8 source, 9 expiresAt or '', 10 priority, 11 metadata JSON or ''.
 * A grant that would take available + held past MAX_BALANCE is refused before anything is
 * written (the reply `{"s":"bound"}` becomes a ValidationError): above 2^53 a double can no
 * longer count units one by one. The test `amount > MAX - avail - held` is exact (no partial
 * result leaves [0, MAX]). An already expired grant is held to it too, because its entry would
 * take the entries' running sum past the bound before housekeeping expires it.
 * A grant already past its expiry is expired at once by a second housekeeping pass, so the
 * `available` it reports is already right (as the memory ledger does).
 */
export const LEDGER_GRANT_LUA = /* @__PURE__ */ ledgerScript(`housekeep()
local r = replay()
if r then return r end
local amount = tonumber(ARGV[7])
if amount > MAX_BALANCE - avail() - held() then
  return '{"s":"bound","r":{"available":' .. d(avail()) .. ',"held":' .. d(held()) .. '}}'
end
local x = nil
if ARGV[9] ~= '' then x = tonumber(ARGV[9]) end
local s = next_seq()
local id = 'g' .. d(s) .. ':' .. ACC
local g = { a = amount, r = amount, cb = 0, p = tonumber(ARGV[10]), x = x, c = now, s = s, st = 'l', src = ARGV[8] }
save_grant(id, g)
redis.call('ZADD', K_GS, 0, order_member(id, g))
bump('avail', amount)
local eid = add_entry('grant', amount, id, nil, ARGV[8], meta(ARGV[11]))
housekeep()
local result = '{"ok":true,"grantId":' .. js(id) .. ',"entryId":' .. js(eid) .. ',"amount":' .. d(amount)
  .. ',"available":' .. d(avail()) .. ',"replayed":false}'
remember(result)
return ok(result)
`)
