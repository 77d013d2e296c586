import { describe, expect, it } from 'vitest'
import { isMeteredError, ValidationError } from '../src/index.js'
import {
  accountSchema,
  amountSchema,
  debitInputSchema,
  historyOptionsSchema,
  parse,
  roleSchema,
  usageEventInputSchema,
} from '../src/schemas.js'

// zod/mini ships no locale: without core's own messages every issue zod raises itself would read
// "Invalid input", which names no rule. Paths and codes are what callers match on; these check
// that the words still say what is wrong.
function issuesOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run()
  } catch (error) {
    expect(isMeteredError(error) && error instanceof ValidationError).toBe(true)
    return (error as ValidationError).issues
  }
  throw new Error('expected a ValidationError')
}

describe('messages of the issues zod raises itself', () => {
  it('lengths, types, unknown keys, enums and integer ranges', () => {
    expect(issuesOf(() => parse(accountSchema, 'x'.repeat(201), 'account'))).toEqual([
      { path: '', message: 'must have at most 200 characters' },
    ])
    expect(issuesOf(() => parse(accountSchema, '', 'account'))).toEqual([
      { path: '', message: 'must have at least 1 character' },
    ])
    expect(issuesOf(() => parse(accountSchema, 42, 'account'))).toEqual([
      { path: '', message: 'must be a string, not number' },
    ])
    expect(issuesOf(() => parse(amountSchema, '5', 'amount'))).toEqual([{ path: '', message: 'must be a number' }])
    expect(issuesOf(() => parse(debitInputSchema, { account: 'a', amount: 1, reason: 'r', bonus: 1 }))).toEqual([
      { path: '', message: 'unknown key: "bonus"' },
    ])
    expect(issuesOf(() => parse(roleSchema, 'root'))).toEqual([{ path: '', message: 'must be "admin" or "user"' }])
    expect(issuesOf(() => parse(historyOptionsSchema, { limit: 501 }))).toEqual([
      { path: 'limit', message: 'must be at most 500' },
    ])
    expect(issuesOf(() => parse(historyOptionsSchema, { limit: 1.5 }))).toEqual([
      { path: 'limit', message: 'must be an integer' },
    ])
  })

  it('no issue of a hostile input reads "Invalid input"', () => {
    const hostile: Array<() => unknown> = [
      () => parse(debitInputSchema, null),
      () => parse(debitInputSchema, []),
      () => parse(debitInputSchema, { account: ['a'], amount: Number.NaN, reason: {}, idempotencyKey: 1 }),
      () => parse(usageEventInputSchema, { account: 'a', feature: 'f', amount: 1, status: 'maybe', at: 'now' }),
    ]
    for (const run of hostile) {
      for (const issue of issuesOf(run)) expect(issue.message).not.toMatch(/invalid input/i)
    }
  })
})
