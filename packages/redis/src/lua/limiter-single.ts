import { luaJoin } from './clock.js'

/**
 * One script per algorithm for the `limit()` call with one rule, the common case. They decide
 * exactly as `limits_evaluate` in limiter-consume.ts (the same state key, the same state string,
 * the same floating-point operations, `packages/core/src/limiter/algorithms.ts` line for line),
 * so a rule's state is shared by single-rule calls, multi-rule calls and the one-step authorize.
 * What a generic script spends on every run and these do not: defining closures and aliases,
 * parsing a kind and five arguments per rule, tables of results and writes, a `string.format`
 * for the PX.
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
 * The decision time, as `LUA_NOW` computes it. `(us - us % 1000) / 1000` is `floor(us / 1000)`
 * exactly (us is a whole number below 10^6) without a global function lookup.
 */
const SINGLE_NOW = `
local now = ARGV[1]
if now == '' then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  local us = tonumber(t[2])
  now = tonumber(t[1]) * 1000 + (us - us % 1000) / 1000
else
  now = tonumber(now)
end
local limit, W, cost = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
`

/**
 * Lua that writes `state` unless this is a dry run, PX = `px` raised to the floor the caller
 * passed. Inlined text rather than a Lua function: a local function is a closure made on every run.
 */
function write(state: string, px: string): string {
  return `
  local floor_px = ARGV[5]
  if floor_px ~= 'd' then
    local px = ${px}
    floor_px = tonumber(floor_px)
    if px < floor_px then px = floor_px end
    redis.call('SET', KEYS[1], ${state}, 'PX', string.format('%d', px))
  end`
}

/** Fixed window: state "<window>:<count>:0", which expires at its window's end. */
export const LIMITER_FIXED_LUA = /* @__PURE__ */ luaJoin(
  SINGLE_NOW,
  `
local w = math.floor(now / W)
local curr = 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local sw, sc = string.match(raw, '^([^:]+):([^:]+):.')
  if tonumber(sw) == w then curr = tonumber(sc) end
end
local stop = (w + 1) * W
if curr + cost <= limit then
  local count = curr + cost
  `,
  /* @__PURE__ */ write("string.format('%d:%d:0', w, count)", 'stop - now'),
  `
  return { 1, now, limit - count, stop, 0 }
end
local remaining = limit - curr
if remaining < 0 then remaining = 0 end
return { 0, now, remaining, stop, stop - now }
`,
)

/** Sliding window: state "<window>:<count>:<previous count>", which expires one window after its own. */
export const LIMITER_SLIDING_LUA = /* @__PURE__ */ luaJoin(
  SINGLE_NOW,
  `
local floor, max = math.floor, math.max
local w = floor(now / W)
local curr, prev = 0, 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local sw, sc, sp = string.match(raw, '^([^:]+):([^:]+):(.+)$')
  sw = tonumber(sw)
  if sw == w then
    curr, prev = tonumber(sc), tonumber(sp)
  elseif sw == w - 1 then
    prev = tonumber(sc)
  end
end
local left = W - (now - w * W)
local allowed = prev * left + (curr + cost) * W <= limit * W
local count = curr
if allowed then count = curr + cost end
local remaining = max(0, floor((limit * W - prev * left - count * W) / W))
local reset
if count > 0 then reset = (w + 2) * W elseif prev > 0 then reset = (w + 1) * W else reset = now end
if allowed then
  `,
  /* @__PURE__ */ write("string.format('%d:%d:%d', w, count, prev)", '(w + 2) * W - now'),
  `
  return { 1, now, remaining, reset, 0 }
end
local retry
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
return { 0, now, remaining, reset, retry }
`,
)

/** Token bucket: state "<tokens, %.17g>:<updatedAt>", which expires 1 ms after the bucket is full again. */
export const LIMITER_BUCKET_LUA = /* @__PURE__ */ luaJoin(
  SINGLE_NOW,
  `
local floor, ceil, max = math.floor, math.ceil, math.max
local rate = tonumber(ARGV[6]) / W
local tokens = limit
local raw = redis.call('GET', KEYS[1])
if raw then
  local t, u = string.match(raw, '^([^:]+):(.+)$')
  local elapsed = max(0, now - tonumber(u))
  tokens = math.min(limit, tonumber(t) + elapsed * rate)
end
local allowed = tokens >= cost
local left = tokens
if allowed then left = tokens - cost end
local remaining = max(0, floor(left))
local reset = now + ceil((limit - left) / rate)
if allowed then
  `,
  /* @__PURE__ */ write("string.format('%.17g:%d', left, now)", 'ceil(max(0, limit - left) / rate) + 1'),
  `
  return { 1, now, remaining, reset, 0 }
end
return { 0, now, remaining, reset, ceil((cost - tokens) / rate) }
`,
)
