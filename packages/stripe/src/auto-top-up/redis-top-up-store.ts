import type { AutoTopUpRecord, AutoTopUpStore } from './store.js'

/**
 * What the Redis store needs from a client: run a Lua script. `@metered/redis`'s `fromUpstash`,
 * `fromNodeRedis` and `fromIoredis` adapters fit as they are.
 */
export interface RedisEvalClient {
  /** Runs a Lua script over its declared keys, atomically. */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>
}

/** Options of `createRedisTopUpStore`. */
export interface RedisTopUpStoreOptions {
  /** @default 'metered:top-up:' */
  prefix?: string
}

// One hash per account. Each script runs atomically in Redis, so the claim's checks and writes
// cannot interleave with another request's; the rule is `claimRule` of the memory store, in Lua.
const CLAIM = `
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return nil end
local r = {}
for i = 1, #h, 2 do r[h[i]] = h[i + 1] end
local available, now, period, max, stale = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if r.enabled ~= '1' or (r.paused or '') ~= '' or available >= tonumber(r.threshold) then return nil end
if (r.open_seq or '') ~= '' then
  if tonumber(r.opened_at) >= stale then return nil end
  redis.call('HSET', KEYS[1], 'opened_at', ARGV[2])
  return { r.open_seq, r.open_pack }
end
local count = 0
if r.period_start == period then count = tonumber(r.period_count) end
if count >= max then return nil end
local seq = tonumber(r.seq) + 1
redis.call('HSET', KEYS[1], 'seq', seq, 'open_seq', seq, 'opened_at', ARGV[2], 'open_pack', r.pack,
  'period_start', period, 'period_count', count + 1)
return { tostring(seq), r.pack }
`

const CLOSE = `
if redis.call('HGET', KEYS[1], 'open_seq') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'open_seq', '', 'opened_at', '', 'open_pack', '')
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'paused', ARGV[2]) end
return 1
`

const CONFIGURE = `
redis.call('HSET', KEYS[1], 'enabled', ARGV[1], 'threshold', ARGV[2], 'pack', ARGV[3])
if ARGV[1] == '1' then redis.call('HSET', KEYS[1], 'paused', '') end
if redis.call('HEXISTS', KEYS[1], 'seq') == 0 then
  redis.call('HSET', KEYS[1], 'seq', 0, 'period_start', 0, 'period_count', 0, 'paused', '')
end
return redis.call('HGETALL', KEYS[1])
`

/**
 * Auto top-up state in Redis, one hash per account, every call one script.
 * @example createRedisTopUpStore(fromNodeRedis(client))
 */
export function createRedisTopUpStore(client: RedisEvalClient, options: RedisTopUpStoreOptions = {}): AutoTopUpStore {
  const prefix = options.prefix ?? 'metered:top-up:'
  const key = (account: string) => `${prefix}${account}`
  return {
    async get(account) {
      const reply = await client.eval("return redis.call('HGETALL', KEYS[1])", [key(account)], [])
      return toRecord(reply)
    },
    async configure(account, s) {
      const reply = await client.eval(
        CONFIGURE,
        [key(account)],
        [s.enabled ? '1' : '0', String(s.thresholdUnits), s.packId],
      )
      return toRecord(reply) as AutoTopUpRecord
    },
    async claim(account, q) {
      const reply = await client.eval(
        CLAIM,
        [key(account)],
        [String(q.available), String(q.now), String(q.periodStart), String(q.maxPerPeriod), String(q.staleBefore)],
      )
      if (!Array.isArray(reply)) return null
      return { seq: Number(reply[0]), packId: String(reply[1]) }
    },
    async close(account, seq, pause) {
      const reply = await client.eval(CLOSE, [key(account)], [String(seq), pause ?? ''])
      return Number(reply) === 1
    },
  }
}

/** A record from HGETALL's reply: a flat array (RESP2) or an object (RESP3 clients). */
function toRecord(reply: unknown): AutoTopUpRecord | null {
  let fields: Record<string, string>
  if (Array.isArray(reply)) {
    fields = {}
    for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1])
  } else if (reply && typeof reply === 'object') {
    fields = reply as Record<string, string>
  } else return null
  if (fields.enabled === undefined) return null
  const orNull = (v: string | undefined) => (v === undefined || v === '' ? null : v)
  const num = (v: string | undefined) => (orNull(v) === null ? null : Number(v))
  return {
    enabled: fields.enabled === '1',
    thresholdUnits: Number(fields.threshold),
    packId: fields.pack ?? '',
    paused: orNull(fields.paused) as AutoTopUpRecord['paused'],
    periodStart: Number(fields.period_start ?? 0),
    periodCount: Number(fields.period_count ?? 0),
    seq: Number(fields.seq ?? 0),
    openSeq: num(fields.open_seq),
    openedAt: num(fields.opened_at),
    openPackId: orNull(fields.open_pack),
  }
}
