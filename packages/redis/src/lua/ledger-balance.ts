import { ledgerScript } from './ledger-prelude.js'

/** balance: after housekeeping, the running totals and the live grants in spending order. */
export const LEDGER_BALANCE_LUA = /* @__PURE__ */ ledgerScript(`housekeep()
local grants = {}
for _, m in ipairs(redis.call('ZRANGE', K_GS, 0, -1)) do
  local id = member_id(m)
  local g = load_grant(id)
  local x = 'null'
  if g.x then x = d(g.x) end
  grants[#grants + 1] = '{"id":' .. js(id) .. ',"source":' .. js(g.src) .. ',"remaining":' .. d(g.r) .. ',"amount":'
    .. d(g.a) .. ',"priority":' .. d(g.p) .. ',"expiresAt":' .. x .. ',"createdAt":' .. d(g.c) .. '}'
end
return ok('{"available":' .. d(avail()) .. ',"held":' .. d(held()) .. ',"grants":[' .. table.concat(grants, ',') .. ']}')
`)
