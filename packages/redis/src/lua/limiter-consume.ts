import { LUA_NOW, luaJoin } from './clock.js'

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
export const LIMITER_EVAL_LUA = `
-- globals are table lookups on every use; locals are registers
local tonumber, floor, ceil, max, min, fmt, match, call = tonumber, math.floor, math.ceil, math.max, math.min, string.format, string.match, redis.call

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

    if kind == 'b' then
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
    else
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
      if kind == 'f' then
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
      else
        -- sliding: the previous window weighs by the part of it still inside the sliding window;
        -- compared after multiplying by W so the test stays in integers
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
      end
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
`

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
 * The arithmetic is `packages/core/src/limiter/algorithms.ts` line for line, in the same
 * floating-point operations (Lua numbers are IEEE doubles like JS numbers), so a Redis store
 * decides exactly as the memory store. State strings:
 *   windows: "<window index>:<count>:<previous window count>"
 *   bucket:  "<tokens, %.17g so the double round-trips exactly>:<updatedAt>"
 * Each state expires (PX) when it can no longer change a decision, as `stateExpiresAt` says:
 * fixed at its window's end, sliding one window later, bucket 1 ms after it is full again.
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
