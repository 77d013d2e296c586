import { ledgerScript } from './ledger-prelude.js'

/**
 * verify: recomputes the totals from the records, independently of the running totals and of
 * the spending-order index, and lists row-level problems. The entries' sum is the kept entries
 * plus the running sum of the trimmed ones (history is bounded). The caller compares the totals.
 *
 * Exactness: the sums only add integers, so they are exact while every partial sum stays within
 * ±2^53. Remainders and holds are never negative (a negative one is a problem of its own), so
 * their partial sums never pass the total, which is checked against MAX_BALANCE. Entries are
 * summed in seq order, starting from the trimmed sum (itself the sum of the oldest entries): each
 * partial sum is then what available + held was at some point inside a script, within
 * [0, MAX_BALANCE] on a sound account, and any partial sum outside it is reported.
 */
export const LEDGER_VERIFY_LUA = /* @__PURE__ */ ledgerScript(`housekeep()
local problems = {}
local function problem(text) problems[#problems + 1] = js(text) end
local live, indexed = 0, {}
for _, m in ipairs(redis.call('ZRANGE', K_GS, 0, -1)) do indexed[member_id(m)] = true end
local rows = redis.call('HGETALL', K_G)
for i = 1, #rows, 2 do
  local id, g = rows[i], decode_grant(rows[i + 1])
  if g.r < 0 then problem('grant ' .. id .. ' has remaining ' .. d(g.r) .. ' below zero') end
  if g.r > g.a then problem('grant ' .. id .. ' has remaining ' .. d(g.r) .. ' above its amount ' .. d(g.a)) end
  if g.cb < 0 then problem('grant ' .. id .. ' has clawback ' .. d(g.cb) .. ' below zero') end
  if g.r > 0 and g.cb > 0 then
    problem('grant ' .. id .. ' has both remaining ' .. d(g.r) .. ' and clawback ' .. d(g.cb))
  end
  if is_live(g) then
    live = live + g.r
    if g.r > 0 and not indexed[id] then problem('live grant ' .. id .. ' is missing from the spending order') end
  elseif g.r ~= 0 and g.st == 'l' then
    problem('expired grant ' .. id .. ' still has ' .. d(g.r))
  end
end
if live > MAX_BALANCE then problem('live remainders add up to more than MAX_BALANCE') end
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
if open > MAX_BALANCE then problem('open holds add up to more than MAX_BALANCE') end
load_row()
local sum, outside = row.trimmed, row.trimmed < 0 or row.trimmed > MAX_BALANCE
for _, m in ipairs(redis.call('ZRANGE', K_E, 0, -1)) do
  sum = sum + tonumber(string.match(m, '"amount":(-?%d+)'))
  if sum < 0 or sum > MAX_BALANCE then outside = true end
end
if outside then problem('the running sum of entries leaves [0, MAX_BALANCE]') end
return ok('{"available":' .. d(avail()) .. ',"held":' .. d(held()) .. ',"liveRemainders":' .. d(live)
  .. ',"openHolds":' .. d(open) .. ',"entriesSum":' .. d(sum) .. ',"problems":[' .. table.concat(problems, ',') .. ']}')
`)
