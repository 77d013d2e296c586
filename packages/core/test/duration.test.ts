import { describe, expect, it } from 'vitest'
import { type Duration, toMs } from '../src/duration.js'
import { ValidationError } from '../src/errors.js'

describe('toMs', () => {
  it.each([
    [1500, 1500],
    [1, 1],
    ['200 ms', 200],
    ['200ms', 200],
    ['1 s', 1_000],
    ['30 sec', 30_000],
    ['1 second', 1_000],
    ['2 seconds', 2_000],
    ['1.5 s', 1_500],
    ['1 m', 60_000],
    ['5 min', 300_000],
    ['1 minute', 60_000],
    ['10 minutes', 600_000],
    ['1 h', 3_600_000],
    ['2 hr', 7_200_000],
    ['1 hour', 3_600_000],
    ['24 hours', 86_400_000],
    ['1 d', 86_400_000],
    ['1 day', 86_400_000],
    ['7 days', 604_800_000],
    ['1 w', 604_800_000],
    ['1 week', 604_800_000],
    ['2 weeks', 1_209_600_000],
    [' 5 s ', 5_000],
    ['1 S', 1_000],
    ['0.5 s', 500],
    ['1.0004 s', 1_000],
  ] as Array<[Duration, number]>)('%s -> %d ms', (input, ms) => {
    expect(toMs(input)).toBe(ms)
  })

  it.each([
    0,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    0.4,
    '0.4 ms',
    '',
    'soon',
    '5',
    '-1 s',
    '1e3 ms',
    '1 fortnight',
    's',
    '1 s 2 ms',
  ])('refuses %s', (input) => {
    expect(() => toMs(input as Duration)).toThrow(ValidationError)
  })

  it('names the field in the error', () => {
    try {
      toMs('later' as Duration, 'window')
      expect.unreachable()
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([{ path: 'window', message: 'not a duration: "later"' }])
      expect((error as ValidationError).code).toBe('validation_error')
    }
  })
})
