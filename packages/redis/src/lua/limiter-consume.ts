import { LUA_NOW, luaJoin } from './clock.js'
import { LUA_ALIASES, LUA_BUCKET, LUA_FIXED, LUA_SLIDING, LUA_WINDOWS } from './limiter-rules.js'

/**
 * Lua chunk shared by the limiter script and the one-step authorize script: evaluates the
 * rules of one call at `now` (which the including script defines) and, separately, commits them.
 *
 * limits_evaluate(key_offset, arg_offset, n): item i's state key is KEYS[key_offset + i], its
 * kind, limit, windowMs, refillAmount and cost are ARGV[arg_offset + 5(i-1) + 1..5]. Returns
 * out = { allowed, now, then per item: allowed, remaining, reset, retryAfter }, the states to
 * write, and whether every rule admits.
 * limits_commit(key_offset, n, writes, floor_px) writes them, each with its PX.
 */
export const LIMITER_EVAL_LUA = /* @__PURE__ */ luaJoin(
  LUA_ALIASES,
  `
local function limits_evaluate(key_offset, arg_offset, n)
  local out = { 1, now }
  local writes = {}
  local all = true
  for i = 1, n do
    local b = arg_offset + (i - 1) * 5
    local kind = ARGV[b + 1]
    local limit = tonumber(ARGV[b + 2])
    local W = tonumber(ARGV[b + 3])
    local refill = tonumber(ARGV[b + 4])
    local cost = tonumber(ARGV[b + 5])
    local raw = call('GET', KEYS[key_offset + i])
    local allowed, remaining, reset, retry, state, expires_at
    if kind == 'b' then`,
  LUA_BUCKET,
  'else',
  LUA_WINDOWS,
  "if kind == 'f' then",
  LUA_FIXED,
  'else',
  LUA_SLIDING,
  `end
    end
    if not allowed then all = false end
    out[#out + 1] = allowed and 1 or 0
    out[#out + 1] = remaining
    out[#out + 1] = reset
    out[#out + 1] = retry
    writes[i] = { state, expires_at - now }
  end
  if not all then out[1] = 0 end
  return out, writes, all
end

local function limits_commit(key_offset, n, writes, floor_px)
  for i = 1, n do
    local px = max(writes[i][2], floor_px, 1)
    call('SET', KEYS[key_offset + i], writes[i][1], 'PX', fmt('%d', px))
  end
end
`,
)

/**
 * Checks and consumes every rule of one `limit()` call, all or nothing, in one script.
 *
 * KEYS[i]  state key of item i
 * ARGV[1]  now (epoch ms) or '' for Redis TIME
 * ARGV[2]  '1' for a dry run (peek): decide, write nothing
 * ARGV[3]  minimum PX in ms for written state (0, or a floor when an injected clock runs apart
 *          from real time, so state cannot vanish before the injected clock says so)
 * ARGV[4 + 5(i-1) ..]  item i: kind (f|s|b), limit, windowMs, refillAmount, cost
 *
 * The arithmetic and the state strings are limiter-rules.ts's, so a Redis store decides exactly
 * as the memory store. Each state expires (PX) when it can no longer change a decision.
 *
 * Returns { allowed, now, then per item: allowed, remaining, reset, retryAfter } as integers.
 */
export const LIMITER_CONSUME_LUA = /* @__PURE__ */ luaJoin(
  LUA_NOW,
  LIMITER_EVAL_LUA,
  `
local n = #KEYS
local out, writes, all = limits_evaluate(0, 3, n)
if all and ARGV[2] ~= '1' then limits_commit(0, n, writes, tonumber(ARGV[3])) end
return out
`,
)
