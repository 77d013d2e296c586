import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PgTestDb, pgTestDb, storesFor } from './harness.js'

// With the database clock (no injected clock), rows created within one millisecond must still
// page exactly once: cursors carry epoch ms, so stored times are kept at ms precision.
describe('postgres: keyset pages with the database clock', () => {
  let t: PgTestDb
  beforeAll(async () => {
    t = await pgTestDb({ max: 4 })
  })
  afterAll(async () => {
    await t.close()
  })

  it('users.list and logins page rows created in the same millisecond exactly once', async () => {
    const { users } = storesFor(t)
    for (let round = 0; round < 5; round++) {
      const tag = `same-ms-${round}-${crypto.randomUUID().slice(0, 8)}`
      const ids = Array.from({ length: 7 }, (_, i) => `${tag}-${i}`)
      for (const id of ids) await users.upsert({ id, email: `${id}@example.com` })
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page = await users.list({ search: tag, limit: 2, cursor })
        seen.push(...page.users.map((u) => u.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen.sort()).toEqual([...ids].sort())

      for (let i = 0; i < 7; i++) await users.recordLogin({ userId: ids[0]!, provider: 'google', ip: `10.0.0.${i}` })
      const ips: string[] = []
      cursor = null
      do {
        const page = await users.logins(ids[0]!, { limit: 2, cursor })
        ips.push(...page.logins.map((l) => l.ip ?? ''))
        cursor = page.nextCursor
      } while (cursor)
      expect(ips.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `10.0.0.${i}`).sort())
    }
  })

  it('usage.list pages events recorded in the same millisecond exactly once', async () => {
    const { usage } = storesFor(t)
    const account = `usage-same-ms-${crypto.randomUUID().slice(0, 8)}`
    const from = Date.now() - 1000
    for (let i = 0; i < 9; i++) await usage.record({ account, feature: 'f', amount: i, status: 'ok' })
    const amounts: number[] = []
    let cursor: string | null = null
    do {
      const page = await usage.list({ account, from, to: Date.now() + 60_000, limit: 2, cursor })
      amounts.push(...page.events.map((e) => e.amount))
      cursor = page.nextCursor
    } while (cursor)
    expect(amounts.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
  })
})
