import { describe, expect, it } from 'vitest'
import { ALL_ACCOUNTS, createManualClock, createMemoryUsageStore, exportUsage, ValidationError } from '../src/index.js'

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text()
}

describe('exportUsage', () => {
  const clock = createManualClock(Date.UTC(2026, 2, 1))
  const usage = createMemoryUsageStore({ clock })
  const t0 = clock.now()

  it('streams every event in range once, oldest first, as CSV and NDJSON across pages', async () => {
    for (let i = 0; i < 7; i++) {
      await usage.record({
        account: 'exp-a',
        feature: i % 2 ? 'image' : 'generate',
        amount: i * 10,
        status: 'ok',
        at: t0 + i * 1000,
      })
    }
    await usage.record({ account: 'exp-b', feature: 'generate', amount: 5, status: 'error', at: t0 + 500 })
    await usage.record({ account: 'exp-a', feature: 'generate', amount: 99, status: 'ok', at: t0 + 10_000 }) // out of range

    const ndjson = await text(
      exportUsage(usage, { account: 'exp-a', from: t0, to: t0 + 10_000, format: 'ndjson', pageSize: 3 }),
    )
    const lines = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((e) => e.amount)).toEqual([0, 10, 20, 30, 40, 50, 60])
    expect(new Set(lines.map((e) => e.id)).size).toBe(7)

    const csv = await text(
      exportUsage(usage, { account: ALL_ACCOUNTS, from: t0, to: t0 + 10_000, format: 'csv', pageSize: 2 }),
    )
    const rows = csv.trim().split('\r\n')
    expect(rows[0]).toBe(
      'id,at,account,userId,feature,status,amount,shortfall,model,inputTokens,cachedInputTokens,outputTokens,quantity,latencyMs',
    )
    expect(rows).toHaveLength(1 + 8)
    expect(rows[2]).toContain(',exp-b,,generate,error,5,')
  })

  it('quotes cells and defuses spreadsheet formulas', async () => {
    const at = t0 + 50_000
    await usage.record({ account: 'exp-c', feature: '=HYPERLINK("x")', amount: 1, status: 'ok', at, model: 'a,b' })
    const csv = await text(exportUsage(usage, { account: 'exp-c', from: at, to: at + 1, format: 'csv' }))
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`)
    expect(csv).toContain('"a,b"')
  })

  it('refuses bad options before reading anything', () => {
    expect(() => exportUsage(usage, { account: '', from: 0, to: 1, format: 'csv' })).toThrow(ValidationError)
    expect(() => exportUsage(usage, { account: 'a', from: 0, to: 1, format: 'xml' as 'csv' })).toThrow(ValidationError)
  })
})
