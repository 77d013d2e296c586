import { ledgerScript } from './ledger-prelude.js'

/**
 * revoke. ARGV 7 grant id, 8 amount or '' (all that is left), 9 reason, 10 metadata JSON or ''.
 * Takes at most what is left of a live grant now. Units of it held by open holds are `pending`:
 * a full revoke ends the grant, so they are forfeited when their hold returns them; a partial
 * revoke adds what it could not take (up to the held units not already owed) to the grant's
 * clawback, which the hold's return pays first (docs/semantics.md, revoke).
 */
export const LEDGER_REVOKE_LUA = /* @__PURE__ */ ledgerScript(`local r = replay()
if r then return r end
local gid = ARGV[7]
if redis.call('HEXISTS', K_G, gid) == 0 then return ok('{"ok":false,"reason":"grant_not_found"}') end
housekeep()
local g = load_grant(gid)
local member = order_member(gid, g)
local revoked, pending = 0, 0
if is_live(g) then
  local held_units = held_from(gid)
  if ARGV[8] == '' then
    revoked = g.r
    pending = held_units
  else
    local A = tonumber(ARGV[8])
    revoked = math.min(g.r, A)
    pending = math.min(A - revoked, math.max(0, held_units - g.cb))
    g.cb = g.cb + pending
  end
end
g.r = g.r - revoked
bump('avail', -revoked)
if ARGV[8] == '' then g.st = 'r' end
save_grant(gid, g)
if g.r == 0 or g.st ~= 'l' then redis.call('ZREM', K_GS, member) end
local eid = nil
if revoked > 0 then eid = add_entry('revoke', -revoked, gid, nil, ARGV[9], meta(ARGV[10])) end
local result = '{"ok":true,"revoked":' .. d(revoked) .. ',"pending":' .. d(pending) .. ',"account":' .. js(ACCOUNT)
  .. ',"grantId":' .. js(gid) .. ',"entryId":' .. js(eid) .. ',"available":' .. d(avail()) .. ',"replayed":false}'
remember(result)
return ok(result)
`)
