import { ledgerScript } from './ledger-prelude.js'

/**
 * grant. ARGV 7 amount, 8 source, 9 expiresAt or '', 10 priority, 11 metadata JSON or ''.
 * A grant already past its expiry is expired at once by a second housekeeping pass, so the
 * `available` it reports is already right (as the memory ledger does).
 */
export const LEDGER_GRANT_LUA = ledgerScript(`housekeep()
local r = replay()
if r then return r end
local amount = tonumber(ARGV[7])
local x = nil
if ARGV[9] ~= '' then x = tonumber(ARGV[9]) end
local s = next_seq()
local id = 'g' .. d(s) .. ':' .. ACC
local g = { a = amount, r = amount, p = tonumber(ARGV[10]), x = x, c = now, s = s, st = 'l', src = ARGV[8] }
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
