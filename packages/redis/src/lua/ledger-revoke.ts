import { ledgerScript } from './ledger-prelude.js'

/**
 * revoke. ARGV 7 grant id, 8 amount or '' (all that is left), 9 reason, 10 metadata JSON or ''.
 * Claws back at most what is left of a live grant. A full revoke (no amount) also ends the
 * grant, so units held from it are forfeited when their hold gives them back.
 */
export const LEDGER_REVOKE_LUA = ledgerScript(`local r = replay()
if r then return r end
local gid = ARGV[7]
if redis.call('HEXISTS', K_G, gid) == 0 then return ok('{"ok":false,"reason":"grant_not_found"}') end
housekeep()
local g = load_grant(gid)
local member = order_member(gid, g)
local revoked = 0
if is_live(g) then
  revoked = g.r
  if ARGV[8] ~= '' then revoked = math.min(g.r, tonumber(ARGV[8])) end
end
g.r = g.r - revoked
bump('avail', -revoked)
if ARGV[8] == '' then g.st = 'r' end
save_grant(gid, g)
if g.r == 0 or g.st ~= 'l' then redis.call('ZREM', K_GS, member) end
local eid = nil
if revoked > 0 then eid = add_entry('revoke', -revoked, gid, nil, ARGV[9], meta(ARGV[10])) end
local result = '{"ok":true,"revoked":' .. d(revoked) .. ',"account":' .. js(ACCOUNT) .. ',"grantId":' .. js(gid)
  .. ',"entryId":' .. js(eid) .. ',"available":' .. d(avail()) .. ',"replayed":false}'
remember(result)
return ok(result)
`)
