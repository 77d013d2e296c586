import { ledgerScript } from './ledger-prelude.js'

/**
 * verify: recomputes the totals from the records, independently of the running totals and of
 * the spending-order index, and lists row-level problems. The entries' sum is the kept entries
 * plus the running sum of the trimmed ones (history is bounded). The caller compares the totals.
 */
export const LEDGER_VERIFY_LUA = ledgerScript(`housekeep()
local problems = {}
local function problem(text) problems[#problems + 1] = js(text) end
local live, indexed = 0, {}
for _, m in ipairs(redis.call('ZRANGE', K_GS, 0, -1)) do indexed[member_id(m)] = true end
local rows = redis.call('HGETALL', K_G)
for i = 1, #rows, 2 do
  local id, g = rows[i], decode_grant(rows[i + 1])
  if g.r < 0 then problem('grant ' .. id .. ' has remaining ' .. d(g.r) .. ' below zero') end
  if g.r > g.a then problem('grant ' .. id .. ' has remaining ' .. d(g.r) .. ' above its amount ' .. d(g.a)) end
  if is_live(g) then
    live = live + g.r
    if g.r > 0 and not indexed[id] then problem('live grant ' .. id .. ' is missing from the spending order') end
  elseif g.r ~= 0 and g.st == 'l' then
    problem('expired grant ' .. id .. ' still has ' .. d(g.r))
  end
end
local open = 0
rows = redis.call('HGETALL', K_H)
for i = 1, #rows, 2 do
  local id, h = rows[i], decode_hold(rows[i + 1])
  if h.st == 'o' then
    open = open + h.a
    local allocated = 0
    for j = 2, #h.al, 2 do allocated = allocated + h.al[j] end
    if allocated ~= h.a then problem('hold ' .. id .. ' allocates ' .. d(allocated) .. ' of ' .. d(h.a)) end
  end
end
load_row()
local sum = row.trimmed
for _, m in ipairs(redis.call('ZRANGE', K_E, 0, -1)) do sum = sum + tonumber(string.match(m, '"amount":(-?%d+)')) end
return ok('{"available":' .. d(avail()) .. ',"held":' .. d(held()) .. ',"liveRemainders":' .. d(live)
  .. ',"openHolds":' .. d(open) .. ',"entriesSum":' .. d(sum) .. ',"problems":[' .. table.concat(problems, ',') .. ']}')
`)
