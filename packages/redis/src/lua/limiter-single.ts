import { luaJoin } from './clock.js'
import { LUA_BUCKET, LUA_FIXED, LUA_SERVER_NOW, LUA_SLIDING } from './limiter-rules.js'

/**
 * One script per algorithm for a `limit()` call with one rule, the common case. Each runs the
 * same algorithm chunk as the multi-rule script (limiter-rules.ts) on the same state key, so a
 * rule's state is shared by one-rule calls, multi-rule calls and the one-step authorize.
 *
 * KEYS[1]  the rule's state key
 * ARGV     limit, windowMs, cost, and for the token bucket refillAmount; then, optional:
 *   mode   'd' for a dry run (decide, write nothing), or the minimum PX of the written state
 *          (an injected clock: see limiter-consume.ts); absent: write with the state's own PX
 *   now    epoch ms of an injected clock; absent: Redis TIME
 * Reply    "<clock>/<the state read, or nothing>", clock being Redis TIME's "<s>.<us>" (empty
 *          with an injected clock, whose now the store sent): the store evaluates it with core's
 *          `evaluateConsume` for remaining, reset and retryAfter (see limiter-rules.ts). It comes
 *          in double quotes, a JSON string: `@upstash/redis` JSON-parses every string reply, and
 *          a failed parse costs the client a thrown exception (about 9 µs) per call.
 */
function singleScript(decide: string, ruleArgs: number): string {
  return luaJoin(
    `
local now, clock = ARGV[`,
    ruleArgs + 2,
    `], ''
if now then now = now + 0 else`,
    LUA_SERVER_NOW,
    `end
local limit, W, cost = ARGV[1] + 0, ARGV[2] + 0, ARGV[3] + 0`,
    ruleArgs === 4 ? '\nlocal refill = ARGV[4] + 0' : '',
    `
local raw = redis.call('GET', KEYS[1])
local allowed, state, expires_at`,
    decide,
    `local mode = ARGV[`,
    ruleArgs + 1,
    `]
if allowed and mode ~= 'd' then
local px = expires_at - now
if mode then px = math.max(px, mode + 0) end
redis.call('SET', KEYS[1], state, 'PX', string.format('%d', px))
end
return '"' .. clock .. '/' .. (raw or '') .. '"'
`,
  )
}

export const LIMITER_FIXED_LUA = /* @__PURE__ */ singleScript(LUA_FIXED, 3)
export const LIMITER_SLIDING_LUA = /* @__PURE__ */ singleScript(LUA_SLIDING, 3)
export const LIMITER_BUCKET_LUA = /* @__PURE__ */ singleScript(LUA_BUCKET, 4)
