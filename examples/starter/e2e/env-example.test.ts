import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Every variable the app reads is listed in .env.example (with a comment) and in the README, so a
// copy of the example can be configured without reading its source.
const app = fileURLToPath(new URL('..', import.meta.url))
const skipDirs = new Set(['node_modules', 'e2e', '.next', '.next-e2e', '.data'])
/** Set by Next.js itself, never by the user. */
const setByNext = new Set(['NODE_ENV', 'NEXT_RUNTIME'])
/** Read by the openai SDK rather than by the app's code. */
const readBySdks = ['OPENAI_BASE_URL']

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return skipDirs.has(entry.name) ? [] : sources(path)
    return /\.(ts|tsx|mjs)$/.test(entry.name) ? [path] : []
  })
}

/** `process.env.X`, `process.env['X']` and lib/env.ts's `trimmed('X')`, with the file of each. */
function readVariables(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of sources(app)) {
    const text = readFileSync(file, 'utf8')
    const pattern =
      /process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]|trimmed\('([A-Z][A-Z0-9_]*)'\)/g
    for (const m of text.matchAll(pattern)) {
      const name = m[1] ?? m[2] ?? m[3]
      if (name && !setByNext.has(name) && !found.has(name)) found.set(name, relative(app, file))
    }
  }
  return found
}

describe('.env.example', () => {
  const envExample = readFileSync(join(app, '.env.example'), 'utf8')
  const readme = readFileSync(join(app, 'README.md'), 'utf8')
  const read = readVariables()

  it('finds the variables the app reads (the scan itself works)', () => {
    for (const name of ['DATABASE_URL', 'DATABASE_POOL_SIZE', 'PGLITE_DIR', 'OPENAI_API_KEY', 'STRIPE_SECRET_KEY']) {
      expect(read.has(name), name).toBe(true)
    }
  })

  it('lists every variable the app or its SDKs read, each after a comment line', () => {
    const lines = envExample.split('\n')
    const listed = new Map<string, number>()
    lines.forEach((line, i) => {
      const m = /^(?:#\s*)?([A-Z][A-Z0-9_]*)=/.exec(line)
      if (m?.[1]) listed.set(m[1], i)
    })
    const missing = [...read.keys(), ...readBySdks].filter((name) => !listed.has(name))
    expect(missing, `read in ${missing.map((n) => `${n} (${read.get(n)})`).join(', ')}`).toEqual([])
    for (const [name, i] of listed) {
      // The line above says what it does: a comment, or the variable it pairs with (URL + token).
      expect(/^#\s+\S/.test(lines[i - 1] ?? '') || /^(#\s*)?[A-Z][A-Z0-9_]*=/.test(lines[i - 1] ?? ''), name).toBe(true)
    }
  })

  it('names every variable in the README', () => {
    const missing = [...read.keys(), ...readBySdks].filter((name) => !readme.includes(`\`${name}\``))
    expect(missing).toEqual([])
  })
})
