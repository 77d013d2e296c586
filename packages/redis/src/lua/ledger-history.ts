import { ledgerScript } from './ledger-prelude.js'

/**
 * history. ARGV 7 cursor (seq, exclusive) or '', 8 page size, 9 entry types comma-separated or ''.
 * Newest first; reads one entry past the page to know whether there is a next one. Only the
 * kept (newest) entries can be paged through.
 */
export const LEDGER_HISTORY_LUA = /* @__PURE__ */ ledgerScript(`housekeep()
local max = '+inf'
if ARGV[7] ~= '' then max = '(' .. ARGV[7] end
local limit = tonumber(ARGV[8])
local types = nil
if ARGV[9] ~= '' then
  types = {}
  for t in string.gmatch(ARGV[9], '[^,]+') do types[t] = true end
end
local page, more, last, offset = {}, false, 0, 0
local batch = limit + 1
while not more do
  local chunk = redis.call('ZREVRANGEBYSCORE', K_E, max, '-inf', 'LIMIT', d(offset), d(batch))
  for _, m in ipairs(chunk) do
    local s, t = string.match(m, '^{"seq":(%d+),"type":"(%a+)"')
    if not types or types[t] then
      if #page == limit then
        more = true
        break
      end
      page[#page + 1] = m
      last = s
    end
  end
  if #chunk < batch then break end
  offset = offset + batch
end
local cursor = 'null'
if more then cursor = '"' .. last .. '"' end
return ok('{"entries":[' .. table.concat(page, ',') .. '],"nextCursor":' .. cursor .. '}')
`)
