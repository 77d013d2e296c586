import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  combine,
  fixed,
  fromAiSdk,
  fromChatCompletion,
  fromImages,
  fromResponses,
  perImage,
  perToken,
  perToolCall,
  rational,
  ValidationError,
} from '../src/index.js'
import { ceil as ceilRational, toNumber as rationalToNumber } from '../src/pricing/rational.js'
import { badCounts } from '../src/testing/hostile-inputs.js'
import { assertProperty } from '../src/testing/seeded.js'

// The starter owner's economics: 1 credit = $0.001, usage charged at provider cost x 1.3,
// ledger in milli-credits.
const economics = { markup: 1.3, creditValue: 0.001 }
const UNITS_PER_CREDIT = 1000
const toUnits = (credits: ReturnType<typeof rational>) =>
  ceilRational({ n: credits.n * BigInt(UNITS_PER_CREDIT), d: credits.d })

describe('perToken', () => {
  const tokens = perToken(economics)

  it('prices a gpt-4.1-nano turn at exactly 0.39 credits', () => {
    const price = tokens.price({ model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 })
    expect(price).toEqual(rational('0.39'))
    expect(toUnits(price)).toBe(390)
  })

  it('charges 1,000 such turns 390 credits in milli-credit units, not 1,000 whole credits', () => {
    let units = 0
    for (let i = 0; i < 1000; i++) {
      units += toUnits(tokens.price({ model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 }))
    }
    expect(units / UNITS_PER_CREDIT).toBe(390)
    // what whole-credit rounding per call would have charged
    let wholeCredits = 0
    for (let i = 0; i < 1000; i++) {
      wholeCredits += ceilRational(tokens.price({ model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 }))
    }
    expect(wholeCredits).toBe(1000)
  })

  it('prices cached input at the cached rate', () => {
    // 1000 input of which 800 cached: 200 x 0.10 + 800 x 0.025 = 40 USD per 1M -> $0.00004 x 1.3 / 0.001
    const price = tokens.price({ model: 'gpt-4.1-nano', inputTokens: 1000, cachedInputTokens: 800, outputTokens: 0 })
    expect(rationalToNumber(price)).toBeCloseTo(0.052, 12)
    expect(price).toEqual(rational('0.052'))
  })

  it('accepts dated model snapshots', () => {
    const a = tokens.price({ model: 'gpt-4.1-nano-2025-04-14', inputTokens: 10, outputTokens: 10 })
    const b = tokens.price({ model: 'gpt-4.1-nano', inputTokens: 10, outputTokens: 10 })
    expect(a).toEqual(b)
  })

  it('refuses unknown models and bad counts with a ValidationError naming the field', () => {
    expect(() => tokens.price({ model: 'no-such-model', inputTokens: 1 })).toThrow(ValidationError)
    try {
      tokens.price({ model: 'gpt-4.1-nano', inputTokens: -1 })
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toBe('inputTokens')
    }
    expect(() => tokens.price({ model: 'gpt-4.1-nano', inputTokens: 1.5 })).toThrow(ValidationError)
  })

  it('refuses every bad count, NaN included, when it is the only count given', () => {
    // NaN is falsy: a "no tokens, no price" shortcut that tested truthiness priced it at zero.
    for (const field of ['inputTokens', 'outputTokens'] as const) {
      for (const h of badCounts) {
        if (h.value === null) continue
        const usage = { model: 'gpt-4.1-nano', [field]: h.value as number }
        let issues: Array<{ path: string }> | null = null
        try {
          tokens.price(usage)
        } catch (e) {
          issues = (e as ValidationError).issues
        }
        expect(issues, `${field} = ${h.name}`).toEqual([expect.objectContaining({ path: field })])
      }
    }
    expect(tokens.price({ model: 'gpt-4.1-nano', inputTokens: 0, outputTokens: 0 })).toEqual(tokens.price({}))
  })

  it('uses an overridden price table', () => {
    const custom = perToken({ models: { mine: { input: 1, output: 2 } }, creditValue: 0.000001 })
    expect(custom.price({ model: 'mine', inputTokens: 3, outputTokens: 4 })).toEqual(rational(11))
  })

  it('never differs from the exact price by more than one unit per call (property)', () => {
    assertProperty(
      fc.property(
        fc.array(
          fc.record({
            model: fc.constantFrom('gpt-4.1-nano', 'gpt-4.1-mini', 'gpt-5', 'gpt-4o-mini'),
            inputTokens: fc.integer({ min: 0, max: 200_000 }),
            outputTokens: fc.integer({ min: 0, max: 50_000 }),
          }),
          { minLength: 1, maxLength: 50 },
        ),
        (calls) => {
          let exact = rational(0)
          let charged = 0
          for (const call of calls) {
            const p = tokens.price(call)
            exact = { n: exact.n * p.d + p.n * exact.d, d: exact.d * p.d }
            charged += toUnits(p)
          }
          const exactUnits = rationalToNumber({ n: exact.n * BigInt(UNITS_PER_CREDIT), d: exact.d })
          expect(charged).toBeGreaterThanOrEqual(exactUnits - 1e-6)
          expect(charged - exactUnits).toBeLessThan(calls.length)
        },
      ),
    )
  })
})

describe('perImage, perToolCall, fixed, combine', () => {
  it('prices gpt-image-1 by quality, size and count', () => {
    const images = perImage(economics)
    // 2 x $0.042 x 1.3 / 0.001 = 109.2 credits
    const p = images.price({ model: 'gpt-image-1', images: { count: 2, size: '1024x1024', quality: 'medium' } })
    expect(p).toEqual(rational('109.2'))
    // auto quality is priced as high (worst case)
    const auto = images.price({ model: 'gpt-image-1', images: { count: 1, size: '1536x1024', quality: 'auto' } })
    expect(auto).toEqual(rational('325'))
    expect(() => images.price({ model: 'gpt-image-1', images: { count: 1, size: '9x9', quality: 'low' } })).toThrow(
      ValidationError,
    )
  })

  it('prices an image without a quality as high, the worst case', () => {
    const images = perImage(economics)
    const unsaid = images.price({ model: 'gpt-image-1', images: { count: 1, size: '1536x1024' } })
    expect(unsaid).toEqual(
      images.price({ model: 'gpt-image-1', images: { count: 1, size: '1536x1024', quality: 'high' } }),
    )
    expect(unsaid).toEqual(rational('325'))
  })

  it('adds tool calls and tokens and rounds once', () => {
    const pricer = combine(perToken(economics), perToolCall({ web_search: 13 }), fixed(0.5))
    const p = pricer.price({
      model: 'gpt-4.1-nano',
      inputTokens: 1000,
      outputTokens: 500,
      toolCalls: { web_search: 2 },
    })
    expect(p).toEqual(rational('26.89'))
    expect(toUnits(p)).toBe(26_890)
  })
})

describe('usage readers', () => {
  it('reads a Responses API response.completed payload', () => {
    expect(
      fromResponses({
        model: 'gpt-4.1-nano-2025-04-14',
        usage: { input_tokens: 1200, input_tokens_details: { cached_tokens: 1000 }, output_tokens: 300 },
        output: [{ type: 'web_search_call' }, { type: 'message' }, { type: 'web_search_call' }],
      }),
    ).toEqual({
      model: 'gpt-4.1-nano-2025-04-14',
      inputTokens: 1200,
      cachedInputTokens: 1000,
      outputTokens: 300,
      toolCalls: { web_search: 2 },
    })
  })

  it('reads Chat Completions, Images and both AI SDK usage shapes', () => {
    expect(
      fromChatCompletion({
        model: 'gpt-4o-mini',
        usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 2 } },
      }),
    ).toMatchObject({ inputTokens: 10, cachedInputTokens: 2, outputTokens: 5 })
    expect(fromImages({ data: [{}, {}], quality: 'low' }, { size: '1024x1024' })).toEqual({
      model: 'gpt-image-1',
      images: { count: 2, size: '1024x1024', quality: 'low' },
    })
    expect(fromAiSdk({ inputTokens: 7, outputTokens: 3, cachedInputTokens: 1 }, 'gpt-5')).toEqual({
      model: 'gpt-5',
      inputTokens: 7,
      cachedInputTokens: 1,
      outputTokens: 3,
    })
    expect(fromAiSdk({ inputTokens: { total: 9, cacheRead: 4 }, outputTokens: { total: 2 } })).toMatchObject({
      inputTokens: 9,
      cachedInputTokens: 4,
      outputTokens: 2,
    })
  })
})

describe('rational', () => {
  it('reads decimals exactly, including exponent notation', () => {
    expect(rational(0.1)).toEqual({ n: 1n, d: 10n })
    expect(rational(1e-7)).toEqual({ n: 1n, d: 10_000_000n })
    expect(rational('2.50')).toEqual({ n: 5n, d: 2n })
    expect(() => rational(-1)).toThrow(RangeError)
    expect(() => rational(Number.NaN)).toThrow(RangeError)
  })
})
