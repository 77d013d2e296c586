import { luaJoin } from './clock.js'
import { LUA_BUCKET, LUA_FIXED, LUA_SERVER_NOW, LUA_SLIDING } from './limiter-rules.js'

/**
 * Lua chunk shared by the limiter script and the one-step authorize script: evaluates the
 * rules of one call at `now` (which the including script defines) and, separately, commits them.
 *
 * limits_evaluate(key_offset, arg_offset, n, clock): item i's state key is KEYS[key_offset + i];
 * its arguments start after ARGV[arg_offset]: kind (f|s|b), limit, windowMs, cost, and for a
 * bucket refillAmount. Returns the reply text "<clock>/<state read 1>/<state read 2>..." (an
 * absent state is empty; `clock` as the one-rule scripts answer it, or the epoch ms), the states
 * to write with their PX, and whether every rule admits.
 * limits_commit(key_offset, n, states, pxs, mode) writes them, each PX raised to the floor
 * `mode` when one is given (a number or its string).
 */
export const LIMITER_EVAL_LUA = /* @__PURE__ */ luaJoin(
  `
local function limits_evaluate(key_offset, arg_offset, n, clock)
  local read = { clock }
  local states, pxs = {}, {}
  local all = true
  local b = arg_offset
  for i = 1, n do
    local kind = ARGV[b + 1]
    local limit, W, cost = ARGV[b + 2] + 0, ARGV[b + 3] + 0, ARGV[b + 4] + 0
    local raw = redis.call('GET', KEYS[key_offset + i])
    local allowed, state, expires_at
    if kind == 'b' then
      local refill = ARGV[b + 5] + 0
      b = b + 5`,
  LUA_BUCKET,
  `else
      b = b + 4
      if kind == 'f' then`,
  LUA_FIXED,
  'else',
  LUA_SLIDING,
  `end
    end
    if allowed then
      states[i], pxs[i] = state, expires_at - now
    else
      all = false
    end
    read[i + 1] = raw or ''
  end
  return table.concat(read, '/'), states, pxs, all
end

local function limits_commit(key_offset, n, states, pxs, mode)
for i = 1, n do
local px = pxs[i]
if mode then px = math.max(px, mode + 0) end
redis.call('SET', KEYS[key_offset + i], states[i], 'PX', string.format('%d', px))
end
end
`,
)

/**
 * Checks and consumes every rule of one `limit()` call, all or nothing, in one script.
 *
 * KEYS[i]  state key of item i
 * ARGV     per item: kind (f|s|b), limit, windowMs, cost, and for a bucket refillAmount; then,
 *          optional, as the one-rule scripts (limiter-single.ts):
 *   mode   'd' for a dry run (peek): decide, write nothing; or the minimum PX in ms of written
 *          state (a floor when an injected clock runs apart from real time, so state cannot
 *          vanish before the injected clock says so); absent: each state's own PX
 *   now    epoch ms of an injected clock; absent: Redis TIME
 * The first loop finds where the optional arguments start: an item's length depends on its kind.
 *
 * The arithmetic and the state strings are limiter-rules.ts's, so a Redis store decides exactly
 * as the memory store. Each state expires (PX) when it can no longer change a decision.
 *
 * Reply "<clock>/<state read of item 1>/<item 2>..." in double quotes, as the one-rule scripts'
 * (limiter-single.ts), evaluated by the store with core's `evaluateConsume`.
 */
export const LIMITER_CONSUME_LUA = /* @__PURE__ */ luaJoin(
  `
local n = #KEYS
local a = 0
for i = 1, n do
  if ARGV[a + 1] == 'b' then a = a + 5 else a = a + 4 end
end
local mode, now, clock = ARGV[a + 1], ARGV[a + 2], ''
if now then now = now + 0 else`,
  LUA_SERVER_NOW,
  'end',
  LIMITER_EVAL_LUA,
  `
local reply, states, pxs, all = limits_evaluate(0, 0, n, clock)
if all and mode ~= 'd' then limits_commit(0, n, states, pxs, mode) end
return '"' .. reply .. '"'
`,
)
