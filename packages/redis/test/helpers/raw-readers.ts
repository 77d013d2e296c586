import type { EntryType } from '@metered/core'
import type { LedgerRawReaders } from '@metered/core/testing'
import type { RedisScriptClient } from '../../src/index.js'
import { accountKeys } from '../../src/keys.js'

// Reads the stored rows straight from Redis, bypassing the ledger's scripts (for ledgerSuite).
const ENTRIES = `
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local t, a = string.match(m, '^{"seq":%d+,"type":"(%a+)","amount":(-?%d+)')
  out[#out + 1] = '{"type":"' .. t .. '","amount":' .. a .. '}'
end
return '[' .. table.concat(out, ',') .. ']'`

const GRANTS = `
local out = {}
local rows = redis.call('HGETALL', KEYS[1])
for i = 1, #rows, 2 do
  local g = cjson.decode(rows[i + 1]) -- numbers are stored as strings (exact up to 2^53)
  out[#out + 1] = '{"id":' .. cjson.encode(rows[i]) .. ',"amount":' .. g.a .. ',"remaining":' .. g.r .. '}'
end
return '[' .. table.concat(out, ',') .. ']'`

const parse = <T>(raw: unknown): T => (typeof raw === 'string' ? JSON.parse(raw) : raw) as T

export function rawReaders(client: RedisScriptClient, prefix: string): LedgerRawReaders {
  return {
    async entries(account) {
      const keys = accountKeys(prefix, account)
      return parse<Array<{ type: EntryType; amount: number }>>(await client.eval(ENTRIES, [keys[6]!], []))
    },
    async grants(account) {
      const keys = accountKeys(prefix, account)
      return parse<Array<{ id: string; amount: number; remaining: number }>>(await client.eval(GRANTS, [keys[1]!], []))
    },
  }
}
