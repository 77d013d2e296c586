import { describe, expect, it } from 'vitest'
import { perToken, rational, ValidationError } from '../src/index.js'
import { CATALOG_DATE, CATALOG_SOURCE, catalogPrice } from '../src/prices.js'

// markup 1 and 1 credit = $1: a price in credits is the provider's USD, so 1M tokens of one kind
// costs exactly the dataset's USD-per-1M figure.
const usd = perToken()
const M = 1_000_000

// [model, input, cached input, output] in USD per 1M tokens, as @pydantic/genai-prices 0.1.8 writes them.
const listed: Array<[string, string, string, string]> = [
  ['gpt-5.2', '1.75', '0.175', '14'],
  ['gpt-4.1', '2', '0.5', '8'],
  ['gpt-4o-mini', '0.15', '0.075', '0.6'],
  ['claude-haiku-4-5', '1', '0.1', '5'],
  ['gemini-2.5-flash', '0.3', '0.03', '2.5'],
  ['grok-4-0709', '3', '0.75', '15'],
  ['mistral-large-2512', '0.5', '0.05', '1.5'],
  ['deepseek-reasoner', '0.55', '0.14', '2.19'],
]

describe('the price catalog', () => {
  it('is dated and names its source', () => {
    expect(CATALOG_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(CATALOG_SOURCE).toBe('@pydantic/genai-prices@0.1.8')
  })

  it.each(listed)(
    'prices %s exactly at the listed input, cached input and output rates',
    (model, input, cached, output) => {
      expect(usd.price({ model, inputTokens: M })).toEqual(rational(input))
      expect(usd.price({ model, inputTokens: M, cachedInputTokens: M })).toEqual(rational(cached))
      expect(usd.price({ model, outputTokens: M })).toEqual(rational(output))
    },
  )

  it('prices Anthropic cache writes at the cache-write rate, apart from reads and plain input', () => {
    // claude-opus-4-5: input 5, cache read 0.5, cache write 6.25 per 1M
    const price = usd.price({ model: 'claude-opus-4-5', inputTokens: 3 * M, cachedInputTokens: M, cacheWriteTokens: M })
    expect(price).toEqual(rational('11.75'))
  })

  it('switches the whole request to the long-context tier once the prompt is past its start', () => {
    // gemini-2.5-pro: 1.25 / 10 per 1M up to 200,000 prompt tokens, 2.5 / 15 past them
    const at = usd.price({ model: 'gemini-2.5-pro', inputTokens: 200_000, outputTokens: 1000 })
    const past = usd.price({ model: 'gemini-2.5-pro', inputTokens: 200_001, outputTokens: 1000 })
    expect(at).toEqual(rational('0.26')) // 0.2 x 1.25 + 0.001 x 10
    expect(past).toEqual(rational('0.5150025')) // 0.200001 x 2.5 + 0.001 x 15
  })

  it('resolves snapshots, aliases and gateway prefixes to the model they are priced as', () => {
    const base = (model: string) => usd.price({ model, inputTokens: 1000, outputTokens: 1000 })
    expect(base('gpt-4.1-2025-04-14')).toEqual(base('gpt-4.1'))
    expect(base('gpt-5.2-chat-latest')).toEqual(base('gpt-5.2'))
    expect(base('openai/gpt-4o-mini')).toEqual(base('gpt-4o-mini'))
    expect(base('claude-haiku-4-5-20251001')).toEqual(base('claude-haiku-4-5'))
    expect(base('grok-4')).toEqual(base('grok-4-0709'))
    expect(catalogPrice('mistral-large-latest')).toBe(catalogPrice('mistral-large'))
  })

  it('lets your own models win over the catalog, also for their snapshots', () => {
    const mine = perToken({ models: { 'gpt-4.1': { input: 1, output: 1 }, 'my-finetune': { input: 3, output: 12 } } })
    expect(mine.price({ model: 'gpt-4.1', inputTokens: M })).toEqual(rational(1))
    expect(mine.price({ model: 'gpt-4.1-2025-04-14', inputTokens: M })).toEqual(rational(1))
    expect(mine.price({ model: 'my-finetune', outputTokens: M })).toEqual(rational(12))
    // a model you did not list still comes from the catalog
    expect(mine.price({ model: 'gpt-4o-mini', inputTokens: M })).toEqual(rational('0.15'))
  })

  it('refuses a model in neither table with a ValidationError on model, as before', () => {
    try {
      usd.price({ model: 'no-such-model', inputTokens: 1 })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).issues).toEqual([
        { path: 'model', message: 'no token price for model "no-such-model"' },
      ])
    }
  })

  it('refuses a negative cache-write count with a ValidationError naming the field', () => {
    try {
      usd.price({ model: 'gpt-4.1', inputTokens: 1, cacheWriteTokens: -1 })
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toBe('cacheWriteTokens')
    }
  })
})
