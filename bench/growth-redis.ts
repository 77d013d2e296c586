// Growth on Redis: how big does an account's ledger get, and what bounds it? Drives one account
// past its history cap (`historyLimit`, default 10,000 entries) with GROWTH_REDIS_OPS debits,
// then reports the entries kept, the memory of each of its keys (MEMORY USAGE), the cost of a
// debit before and at the cap (trimming happens inside the same script), and history pages
// (newest, and the last page before the cap). A second account takes GROWTH_REDIS_KEYED debits
// with idempotency keys, the one record kept per key that no cap bounds.
//
//   pnpm --filter @metered/bench growth-redis              (starts its own redis-server)
//   GROWTH_REDIS_OPS=25000 GROWTH_REDIS_KEYED=5000 REDIS_URL=redis://... pnpm --filter @metered/bench growth-redis

import { createRedisStores, fromIoredis } from '@metered/redis'
import { spawnRedisServer } from '@metered/tooling'
import { Redis as IoRedis } from 'ioredis'

const OPS = Number(process.env.GROWTH_REDIS_OPS ?? 25_000)
const KEYED = Number(process.env.GROWTH_REDIS_KEYED ?? 5_000)
const RUNS = Number(process.env.GROWTH_RUNS ?? 15)
const CONCURRENCY = 16

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))

async function main() {
  const server = process.env.REDIS_URL ? undefined : await spawnRedisServer()
  const io = new IoRedis(process.env.REDIS_URL ?? (server as { url: string }).url)
  const prefix = `growth${process.pid}:`
  try {
    const { ledger } = createRedisStores(fromIoredis(io), { prefix })
    const account = 'acct-42'
    await ledger.grant({ account, amount: 1_000_000_000_000, source: 'promo', idempotencyKey: 'seed' })

    // Debits in parallel lanes; the latency of each is kept by how many entries existed before it.
    const before: number[] = []
    const atCap: number[] = []
    let done = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (done < OPS) {
          const n = done++
          const t = performance.now()
          const r = await ledger.debit({ account, amount: 1 + (n % 500), reason: 'chat' })
          if (!r.ok) throw new Error('debit refused')
          ;(n < 9_000 ? before : n > 11_000 ? atCap : []).push(performance.now() - t)
        }
      }),
    )
    const keyedAccount = 'acct-keyed'
    await ledger.grant({ account: keyedAccount, amount: 1_000_000_000_000, source: 'promo', idempotencyKey: 'seed' })
    done = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (done < KEYED) {
          const n = done++
          await ledger.debit({ account: keyedAccount, amount: 1, reason: 'chat', idempotencyKey: `req_${n}` })
        }
      }),
    )

    const keys = await io.keys(`${prefix}{${account}}:*`)
    const memory: { key: string; type: string; size: number; bytes: number }[] = []
    for (const key of keys.sort()) {
      const type = await io.type(key)
      const size = type === 'zset' ? await io.zcard(key) : type === 'hash' ? await io.hlen(key) : 1
      memory.push({
        key: key.slice(prefix.length),
        type,
        size,
        bytes: Number(await io.memory('USAGE', key, 'SAMPLES', 0)),
      })
    }
    const entries = memory.find((m) => m.key.endsWith(':e'))
    const idemKeys = await io.keys(`${prefix}{${keyedAccount}}:i:*`)
    let idemBytes = 0
    for (const key of idemKeys.slice(0, 500)) idemBytes += Number(await io.memory('USAGE', key, 'SAMPLES', 0))
    const perIdem = idemBytes / Math.min(500, idemKeys.length)

    const rows: { read: string; 'median ms': string; result: string }[] = []
    const time = async (read: string, fn: () => Promise<string>) => {
      const ms: number[] = []
      let result = ''
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now()
        result = await fn()
        ms.push(performance.now() - t)
      }
      rows.push({ read, 'median ms': fmt(median(ms)), result })
    }
    let cursor: string | null = null
    let pages = 0
    for (;;) {
      const page = await ledger.history(account, { cursor, limit: 50 })
      if (!page.nextCursor) break
      cursor = page.nextCursor
      pages++
    }
    await time(
      'history: newest page (50)',
      async () => `${(await ledger.history(account, { limit: 50 })).entries.length} entries`,
    )
    await time(`history: last page (${pages + 1})`, async () => {
      return `${(await ledger.history(account, { cursor, limit: 50 })).entries.length} entries`
    })
    const verify = await ledger.verify(account)
    if (!verify.ok) throw new Error(`verify failed after trimming: ${JSON.stringify(verify)}`)

    console.log(`redis ledger, one account after ${OPS.toLocaleString()} debits (historyLimit 10,000):`)
    console.table(memory)
    console.table(rows)
    console.log(
      `entries kept: ${entries?.size} (${((entries?.bytes ?? 0) / (entries?.size || 1)).toFixed(0)} bytes each, ${((entries?.bytes ?? 0) / 1024 / 1024).toFixed(1)} MiB for the account's history)`,
    )
    console.log(
      `debit median with 16 in flight: ${fmt(median(before))} ms below the cap, ${fmt(median(atCap))} ms at the cap (trimming one entry per debit)`,
    )
    console.log(
      `idempotency records: ${idemKeys.length} after ${KEYED} keyed debits, ${perIdem.toFixed(0)} bytes each; no cap: they stay until you delete them`,
    )
    console.log(`verify after trimming: ok (${verify.ok})`)
  } finally {
    const keys = await io.keys(`${prefix}*`)
    for (let i = 0; i < keys.length; i += 1000) await io.del(...keys.slice(i, i + 1000))
    io.disconnect()
    await server?.destroy()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
