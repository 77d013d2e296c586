import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * `@metered/next/next-auth` (next-auth.d.ts) against the real type packages: next-auth v4 and
 * Auth.js v5 (next-auth@5, installed as next-auth-v5 and mapped to `next-auth` by the v5
 * tsconfig). Each fixture compiles with the augmentation and fails without it, with the TS2339
 * (and on v5 TS18048) that docs/react.md's `session.user.id` used to hit.
 */
const dir = fileURLToPath(new URL('./session-types/', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

function compile(config: string): { status: number | null; errors: string[] } {
  const run = spawnSync(process.execPath, [tsc, '-p', `${dir}tsconfig.${config}.json`], { encoding: 'utf8' })
  return { status: run.status, errors: run.stdout.split('\n').filter((l) => l.includes('error TS')) }
}

describe.each(['v4', 'v5'])('typed sessions, next-auth %s', (version) => {
  it('session.user.id / .role and the token type-check with the augmentation', () => {
    const { status, errors } = compile(version)
    expect(errors).toEqual([])
    expect(status).toBe(0)
  }, 120_000)

  it('fail without it (the fixture would not prove anything otherwise)', () => {
    const { status, errors } = compile(`${version}-without`)
    expect(status).not.toBe(0)
    // v4's session.user has no id (TS2339); v5's user may be undefined (TS18048) and has no role
    expect(errors.some((e) => /TS2339: Property '(id|role)' does not exist/.test(e))).toBe(true)
  }, 120_000)
})
