/**
 * The three algorithms' decisions in Lua, one chunk each, spliced into every script that decides
 * a rule: the multi-rule loop (limiter-consume.ts), inside the one-step authorize too, and the
 * one-rule scripts (limiter-single.ts). One text for all, so every script decides alike and reads
 * and writes the same state. The arithmetic is `packages/core/src/limiter/algorithms.ts`, in the
 * same floating-point operations (Lua numbers are IEEE doubles like JS numbers).
 *
 * A chunk reads the locals `now`, `limit`, `W` (windowMs), `refill` (bucket only), `cost` and
 * `raw` (the stored state or false), and sets the locals `allowed` and, when it admits, `state`
 * and `expires_at` that the including script declares. That is all a script needs to decide and
 * write: it answers `now` and the states it read, and the store computes `remaining`, `reset` and
 * `retryAfter` from them with core's `evaluateConsume` (the same arithmetic, in JavaScript), so
 * those numbers have one source and the scripts do not build them.
 *
 * State strings (shared by every script and every version of the package, so a rolling deploy
 * keeps counting together):
 *   windows: "<window index>:<count>:<previous window count>"
 *   bucket:  "<tokens, %.17g so the double round-trips exactly>:<updatedAt>"
 * `expires_at` is when the state stops mattering, as core's `stateExpiresAt` says: fixed at its
 * window's end, sliding one window later, bucket 1 ms after it is full again. It is at least
 * `now + 1` in every case, so the PX it gives is never below 1 ms.
 *
 * Each name is spelled in full (`math.floor`, `redis.call`) rather than aliased: a one-rule
 * script uses each once, where an alias costs more than the lookup it saves. Numeric strings
 * become numbers by arithmetic (`s + 0`), which converts as `tonumber` does (strtod) without the
 * function call: about 900 of redis-server's instructions each (bench/redis-instructions.ts).
 */

export const LUA_BUCKET = `
local rate = refill / W
local tokens = limit
if raw then
  local t, u = string.match(raw, '^([^:]+):(.+)$')
  tokens = math.min(limit, (t + 0) + math.max(0, now - u) * rate)
end
allowed = tokens >= cost
if allowed then
  local left = tokens - cost
  state = string.format('%.17g:%d', left, now)
  expires_at = now + math.ceil(math.max(0, limit - left) / rate) + 1
end
`

/** The fixed window needs only the stored window and its count: the previous count is always 0. */
export const LUA_FIXED = `
local w = math.floor(now / W)
local curr = 0
if raw then
  local sw, sc = string.match(raw, '^([^:]+):([^:]+)')
  if sw + 0 == w then curr = sc + 0 end
end
allowed = curr + cost <= limit
if allowed then
  state = string.format('%d:%d:0', w, curr + cost)
  expires_at = (w + 1) * W
end
`

/**
 * The current window's index `w`, its count `curr` and the previous one's `prev`. The previous
 * window weighs by the part of it still inside the sliding window; compared after multiplying
 * by W so the test stays in integers. A state the pattern does not match (another kind's, under
 * a rule name whose kind changed) reads as none.
 */
export const LUA_SLIDING = `
local w = math.floor(now / W)
local curr, prev = 0, 0
if raw then
  local sw, sc, sp = string.match(raw, '^([^:]+):([^:]+):(.+)$')
  if sw then
    sw = sw + 0
    if sw == w then
      curr, prev = sc + 0, sp + 0
    elseif sw == w - 1 then
      prev = sc + 0
    end
  end
end
allowed = prev * (W - (now - w * W)) + (curr + cost) * W <= limit * W
if allowed then
  state = string.format('%d:%d:%d', w, curr + cost, prev)
  expires_at = (w + 2) * W
end
`

/**
 * The decision time when no clock was injected: Redis `TIME`, as `LUA_NOW` (clock.ts) computes
 * it; `(us - us % 1000) / 1000` is `floor(us / 1000)` exactly (us is a whole number below 10^6).
 * `clock` keeps TIME's two strings, "<seconds>.<microseconds>", for the reply: the store derives
 * the same `now` from them (limiter-reply.ts), cheaper than printing the number here.
 * `redis.replicate_commands()` lets a script write after reading `TIME` on Redis 3.2-4.x.
 */
export const LUA_SERVER_NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local us = t[2] + 0
now = t[1] * 1000 + (us - us % 1000) / 1000
clock = t[1] .. '.' .. t[2]
`
