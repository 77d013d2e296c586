import { ledgerScript } from './ledger-prelude.js'

/**
 * release. ARGV 7 hold id. Gives every allocation back (units of grants no longer live are
 * forfeited). Releasing a released or expired hold is a no-op replay; a settled one is closed.
 */
export const LEDGER_RELEASE_LUA = /* @__PURE__ */ ledgerScript(`local hid = ARGV[7]
if redis.call('HEXISTS', K_H, hid) == 0 then return ok('{"ok":false,"reason":"hold_not_found"}') end
housekeep()
local h = load_hold(hid)
if h.st == 's' then return ok('{"ok":false,"reason":"hold_closed"}') end
if h.st ~= 'o' then
  return ok('{"ok":true,"released":0,"forfeited":0,"available":' .. d(avail()) .. ',"replayed":true}')
end
local released, forfeited = give_back(hid, h, h.al)
close_hold(hid, h, 'r')
return ok('{"ok":true,"released":' .. d(released) .. ',"forfeited":' .. d(forfeited) .. ',"available":'
  .. d(avail()) .. ',"replayed":false}')
`)
