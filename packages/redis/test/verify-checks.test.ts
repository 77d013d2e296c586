import { withRedis } from '@metered/tooling'
import { describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { accountKeys } from '../src/keys.js'
import { connect, redisUrl, uniquePrefix } from './helpers/clients.js'

// verify's own checks (docs/semantics.md, verify): damage is written straight into the records,
// bypassing the scripts, and verify must name it.
describe('redis verify reports damaged records', () => {
  async function damaged(edit: (keys: string[], grantId: string) => Promise<void>) {
    const c = await connect('ioredis')
    try {
      const prefix = uniquePrefix('verify')
      const { ledger } = createRedisStores(c.client, { prefix })
      const g = await ledger.grant({ account: 'a', amount: 100, source: 'p', idempotencyKey: `${prefix}g` })
      expect((await ledger.verify('a')).ok).toBe(true)
      await edit(accountKeys(prefix, 'a'), g.grantId)
      return await ledger.verify('a')
    } finally {
      await c.close()
    }
  }

  async function rewriteGrant(keys: string[], id: string, fields: Record<string, string>) {
    await withRedis(redisUrl(), async (r) => {
      const raw = (await r.hGet(keys[1]!, id)) as string
      await r.hSet(keys[1]!, id, JSON.stringify({ ...JSON.parse(raw), ...fields }))
    })
  }

  it('a grant owing a clawback while it still has units left', async () => {
    const v = await damaged((keys, id) => rewriteGrant(keys, id, { cb: '5' }))
    expect(v.ok).toBe(false)
    expect(v.problems).toEqual([expect.stringMatching(/has both remaining 100 and clawback 5/)])
  })

  it('a clawback below zero', async () => {
    const v = await damaged((keys, id) => rewriteGrant(keys, id, { cb: '-1' }))
    expect(v.problems).toEqual([expect.stringMatching(/clawback -1 below zero/)])
  })

  it('entries whose running sum leaves [0, MAX_BALANCE]', async () => {
    // the trimmed entries' sum is the start of the running sum
    const v = await damaged((keys) => withRedis(redisUrl(), (r) => r.hSet(keys[0]!, 'trimmed', '-100')).then(() => {}))
    expect(v.problems).toContain('the running sum of entries leaves [0, MAX_BALANCE]')
    expect(v.entriesSum).toBe(0)
  })
})
