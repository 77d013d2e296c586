/**
 * The three algorithms in Lua, one chunk each, spliced into every script that decides a rule:
 * the multi-rule loop (limiter-consume.ts), inside the one-step authorize too, and the one-rule
 * scripts (limiter-single.ts). One text for all, so every script decides alike and reads and
 * writes the same state. The arithmetic is `packages/core/src/limiter/algorithms.ts` line for
 * line, in the same floating-point operations (Lua numbers are IEEE doubles like JS numbers).
 *
 * A chunk reads the locals `now`, `limit`, `W` (windowMs), `refill` (bucket only), `cost` and
 * `raw` (the stored state or false), the aliases of `LUA_ALIASES`, and sets the locals
 * `allowed, remaining, reset, retry, state, expires_at` that the including script declares.
 * State strings:
 *   windows: "<window index>:<count>:<previous window count>"
 *   bucket:  "<tokens, %.17g so the double round-trips exactly>:<updatedAt>"
 * `expires_at` is when the state stops mattering, as core's `stateExpiresAt` says: fixed at its
 * window's end, sliding one window later, bucket 1 ms after it is full again.
 */

/** Globals are table lookups on every use; locals are registers. */
export const LUA_ALIASES = `
local tonumber, floor, ceil, max, min, fmt, match, call = tonumber, math.floor, math.ceil, math.max, math.min, string.format, string.match, redis.call
`

export const LUA_BUCKET = `
local rate = refill / W
local tokens = limit
if raw then
  local t, u = match(raw, '^([^:]+):(.+)$')
  local elapsed = max(0, now - tonumber(u))
  tokens = min(limit, tonumber(t) + elapsed * rate)
end
allowed = tokens >= cost
local left = tokens
if allowed then left = tokens - cost end
remaining = max(0, floor(left))
reset = now + ceil((limit - left) / rate)
retry = 0
if not allowed then retry = ceil((cost - tokens) / rate) end
state = fmt('%.17g:%d', left, now)
expires_at = now + ceil(max(0, limit - left) / rate) + 1
`

/** Both windows: the current window's index `w`, its count `curr` and the previous one's `prev`. */
export const LUA_WINDOWS = `
local w = floor(now / W)
local curr, prev = 0, 0
if raw then
  local sw, sc, sp = match(raw, '^([^:]+):([^:]+):(.+)$')
  sw = tonumber(sw)
  if sw == w then
    curr, prev = tonumber(sc), tonumber(sp)
  elseif sw == w - 1 then
    prev = tonumber(sc)
  end
end
`

/** After `LUA_WINDOWS`. */
export const LUA_FIXED = `
allowed = curr + cost <= limit
local count = curr
if allowed then count = curr + cost end
local stop = (w + 1) * W
remaining = max(0, limit - count)
reset = stop
retry = 0
if not allowed then retry = stop - now end
state = fmt('%d:%d:0', w, count)
expires_at = stop
`

/**
 * After `LUA_WINDOWS`. The previous window weighs by the part of it still inside the sliding
 * window; compared after multiplying by W so the test stays in integers.
 */
export const LUA_SLIDING = `
local left = W - (now - w * W)
allowed = prev * left + (curr + cost) * W <= limit * W
local count = curr
if allowed then count = curr + cost end
remaining = max(0, floor((limit * W - prev * left - count * W) / W))
if count > 0 then reset = (w + 2) * W elseif prev > 0 then reset = (w + 1) * W else reset = now end
retry = 0
if not allowed then
  if curr + cost <= limit and prev > 0 then
    local need_left = floor(((limit - curr - cost) * W) / prev)
    retry = max(1, left - need_left)
  elseif cost <= limit then
    local start = (w + 1) * W
    local need_left = W
    if curr > 0 then need_left = floor(((limit - cost) * W) / curr) end
    retry = start - now + max(0, W - need_left)
  else
    retry = reset - now
  end
end
state = fmt('%d:%d:%d', w, count, prev)
expires_at = (w + 2) * W
`
