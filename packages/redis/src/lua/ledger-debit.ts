import { ledgerScript } from './ledger-prelude.js'

/**
 * debit. ARGV 7 amount, 8 reason, 9 metadata JSON or ''.
 * Check and take in one script: no balance can go below zero whatever the concurrency.
 * Refusals are not stored under the key, so a retry after a top-up is evaluated afresh.
 */
export const LEDGER_DEBIT_LUA = /* @__PURE__ */ ledgerScript(`housekeep()
local r = replay()
if r then return r end
local amount = tonumber(ARGV[7])
local a = avail()
if a < amount then
  return ok('{"ok":false,"reason":"insufficient_credits","available":' .. d(a) .. ',"required":' .. d(amount) .. '}')
end
take(amount)
local eid = add_entry('debit', -amount, nil, nil, ARGV[8], meta(ARGV[9]))
local result = '{"ok":true,"entryId":' .. js(eid) .. ',"amount":' .. d(amount) .. ',"available":' .. d(avail())
  .. ',"replayed":false}'
remember(result)
return ok(result)
`)
