import { ledgerScript } from './ledger-prelude.js'

/**
 * settle. ARGV 7 hold id, 8 amount, 9 metadata JSON or ''.
 * The hold id is the idempotency key: a settled hold replays for the same amount and conflicts
 * for another. Open hold: charge min(A, H) from its allocations in order, give the rest back
 * (last taken first), take anything above the hold from available credits as far as they go.
 * Expired hold (housekeeping gave it back already): charge from available credits.
 */
export const LEDGER_SETTLE_LUA = /* @__PURE__ */ ledgerScript(`local hid = ARGV[7]
local A = tonumber(ARGV[8])
if redis.call('HEXISTS', K_H, hid) == 0 then
  return ok('{"ok":false,"reason":"hold_not_found"}')
end
housekeep()
local h = load_hold(hid)
if h.st == 'r' then return ok('{"ok":false,"reason":"hold_closed"}') end
if h.sa ~= nil then
  if h.sa ~= A then return '{"s":"conflict"}' end
  return '{"s":"replay","r":' .. h.res .. '}'
end
local from_hold, released, forfeited = 0, 0, 0
local expired = h.st == 'e'
if not expired then
  from_hold = math.min(A, h.a)
  -- what is left of the allocations after charging from_hold from them in order
  local rest, c = {}, from_hold
  for i = 1, #h.al, 2 do
    local u = h.al[i + 1]
    local t = math.min(u, c)
    c = c - t
    if u > t then
      rest[#rest + 1] = h.al[i]
      rest[#rest + 1] = u - t
    end
  end
  released, forfeited = give_back(hid, h, rest)
  close_hold(hid, h, 's')
end
h.st = 's'
local wanted = A - from_hold
local extra = math.min(wanted, avail())
if extra > 0 then take(extra) end
local charged = from_hold + extra
local eid = nil
if charged > 0 then
  local md = meta(ARGV[9]) or h.md
  eid = add_entry('debit', -charged, nil, hid, h.rs, md)
end
local result = '{"ok":true,"charged":' .. d(charged) .. ',"released":' .. d(released) .. ',"shortfall":'
  .. d(wanted - extra) .. ',"forfeited":' .. d(forfeited) .. ',"entryId":' .. js(eid) .. ',"available":'
  .. d(avail()) .. ',"holdExpired":' .. tostring(expired) .. ',"replayed":false}'
h.sa = A
h.res = result
save_hold(hid, h)
return ok(result)
`)
