import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { perToken } from '@metered/core'
import { CATALOG_DATE, CATALOG_SOURCE, catalogModels } from '@metered/core/prices'
import { describe, expect, it } from 'vitest'
import { UsageError } from '../src/options.js'
import { decimal, type PriceRow, parsePricesCommand, prices } from '../src/prices.js'

async function run(argv: string[], files: Record<string, string> = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'metered-prices-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(cwd, name), text)
  const lines: string[] = []
  const code = await prices(parsePricesCommand(argv), { log: (text) => lines.push(text), cwd })
  return { code, out: lines.join('\n') }
}

describe('metered prices', () => {
  it('prints the named models with the catalog and its date, exit 0 when all are priced', async () => {
    const { code, out } = await run(['gpt-5.2', 'gpt-4.1-nano-2025-04-14', 'openai/gpt-4o-mini'])
    expect(code).toBe(0)
    expect(out).toContain(`Catalog: ${CATALOG_SOURCE}, ${CATALOG_DATE}.`)
    const rows = out.split('\n').slice(2)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(/^gpt-5\.2\s+catalog \(openai\)\s+gpt-5\.2\s+1\.75\s+0\.175\s+= input\s+14$/)
    // a snapshot is listed under its model
    expect(rows[1]).toMatch(
      /^gpt-4\.1-nano-2025-04-14\s+catalog \(openai\)\s+gpt-4\.1-nano\s+0\.1\s+0\.025\s+= input\s+0\.4$/,
    )
  })

  it('exits 1 naming every unpriced model', async () => {
    const { code, out } = await run(['gpt-5.2', 'my-finetune', 'gpt-9'])
    expect(code).toBe(1)
    expect(out).toMatch(/^my-finetune\s+unpriced/m)
    expect(out).toContain('No price for "my-finetune", "gpt-9"')
  })

  it("the app's own prices win over the catalog and are checked too", async () => {
    const overrides = JSON.stringify({
      'my-finetune': { input: 3, output: 12 },
      'gpt-5.2': { input: 2, cachedInput: 0.2, output: 16 },
    })
    const { code, out } = await run(['my-finetune', 'gpt-5.2-2025-12-11', '--overrides', 'prices.json', '--json'], {
      'prices.json': overrides,
    })
    expect(code).toBe(0)
    const json = JSON.parse(out) as { catalog: { date: string }; models: PriceRow[]; unpriced: string[] }
    expect(json.catalog.date).toBe(CATALOG_DATE)
    expect(json.models.map((r) => [r.model, r.source, r.listedAs, r.input, r.output])).toEqual([
      ['my-finetune', 'override', 'my-finetune', '3', '12'],
      ['gpt-5.2-2025-12-11', 'override', 'gpt-5.2', '2', '16'],
      ['gpt-5.2', 'override', 'gpt-5.2', '2', '16'],
    ])
    // the same prices perToken charges with those overrides
    const pricer = perToken({ models: JSON.parse(overrides) })
    expect(pricer.price({ model: 'gpt-5.2-2025-12-11', inputTokens: 1_000_000, outputTokens: 0 })).toEqual({
      n: 2n,
      d: 1n,
    })
  })

  it('without models: the whole catalog plus the overrides', async () => {
    const { code, out } = await run(['--overrides', 'p.json'], { 'p.json': '{"x-model":{"input":1,"output":2}}' })
    expect(code).toBe(0)
    expect(out.split('\n')).toHaveLength(2 + Object.keys(catalogModels).length + 1)
    expect(out).toMatch(/^x-model\s+override/m)
  })

  it('refuses an overrides file that is not prices', async () => {
    await expect(run(['--overrides', 'nope.json'])).rejects.toThrow(UsageError)
    await expect(run(['--overrides', 'p.json'], { 'p.json': '{"m":{"input":"3","output":1}}' })).rejects.toThrow(
      /"m".input must be a number/,
    )
    await expect(run(['--overrides', 'p.json'], { 'p.json': '[1]' })).rejects.toThrow(/JSON object/)
  })

  it('decimals are exact', () => {
    expect(decimal(3, 40)).toBe('0.075')
    expect(decimal(14, 1)).toBe('14')
    expect(decimal(7, 4)).toBe('1.75')
  })
})
