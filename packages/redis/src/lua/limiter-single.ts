import { luaJoin } from './clock.js'
import { LUA_ALIASES, LUA_BUCKET, LUA_FIXED, LUA_SLIDING, LUA_WINDOWS } from './limiter-rules.js'

/**
 * One script per algorithm for a `limit()` call with one rule, the common case. Each runs the
 * same algorithm chunk as the multi-rule script (limiter-rules.ts) on the same state key, so a
 * rule's state is shared by one-rule calls, multi-rule calls and the one-step authorize. What
 * the generic script spends on every run and these do not: defining its two functions, reading
 * a kind and five arguments per rule, and tables of results and writes.
 *
 * KEYS[1]  the rule's state key
 * ARGV[1]  now (epoch ms) or '' for Redis TIME
 * ARGV[2]  limit   ARGV[3]  windowMs   ARGV[4]  cost
 * ARGV[5]  'd' for a dry run (decide, write nothing), else the minimum PX of the written state
 *          (see limiter-consume.ts)
 * ARGV[6]  token bucket only: refillAmount
 * Reply { allowed, now, remaining, reset, retryAfter } as integers.
 */

/**
 * The decision time, as `LUA_NOW` says: `(us - us % 1000) / 1000` is `floor(us / 1000)` exactly
 * (us is a whole number below 10^6).
 */
const SINGLE_HEAD = /* @__PURE__ */ luaJoin(
  LUA_ALIASES,
  `
local now = ARGV[1]
if now == '' then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = call('TIME')
  local us = tonumber(t[2])
  now = tonumber(t[1]) * 1000 + (us - us % 1000) / 1000
else
  now = tonumber(now)
end
local limit, W, cost, refill = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6])
local raw = call('GET', KEYS[1])
local allowed, remaining, reset, retry, state, expires_at
`,
)

/** Writes the state when the rule admits, unless this is a dry run; answers. */
const SINGLE_TAIL = `
if allowed then
  local floor_px = ARGV[5]
  if floor_px ~= 'd' then
    call('SET', KEYS[1], state, 'PX', fmt('%d', max(expires_at - now, tonumber(floor_px), 1)))
  end
  return { 1, now, remaining, reset, retry }
end
return { 0, now, remaining, reset, retry }
`

export const LIMITER_FIXED_LUA = /* @__PURE__ */ luaJoin(SINGLE_HEAD, LUA_WINDOWS, LUA_FIXED, SINGLE_TAIL)
export const LIMITER_SLIDING_LUA = /* @__PURE__ */ luaJoin(SINGLE_HEAD, LUA_WINDOWS, LUA_SLIDING, SINGLE_TAIL)
export const LIMITER_BUCKET_LUA = /* @__PURE__ */ luaJoin(SINGLE_HEAD, LUA_BUCKET, SINGLE_TAIL)
