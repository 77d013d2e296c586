import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// What a user copies out of the repository (everything but e2e/ and the test kit) must install and
// type-check on its own: registry ranges, no path into the monorepo.
const app = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
  engines: { node: string }
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const testOnly = new Set(['@metered/tooling', 'vitest', 'playwright-core'])

describe('the example as a template', () => {
  it('depends on registry ranges, not the workspace protocol', () => {
    const deps = { ...pkg.dependencies, ...pkg.devDependencies }
    const local = Object.entries(deps).filter(
      ([name, range]) => !testOnly.has(name) && /^(workspace|link|file):/.test(range),
    )
    expect(local).toEqual([])
    for (const name of ['@metered/core', '@metered/next', '@metered/postgres', '@metered/redis', '@metered/stripe']) {
      expect(pkg.dependencies[name], name).toMatch(/^\^\d+\.\d+\.\d+$/)
    }
  })

  it('has a tsconfig that extends nothing outside the app', () => {
    const tsconfig = readFileSync(join(app, 'tsconfig.json'), 'utf8')
    expect(tsconfig).not.toContain('"extends"')
    expect(tsconfig).not.toContain('../')
  })

  it('has a .gitignore of its own for what it installs, builds and keeps locally', () => {
    const ignored = readFileSync(join(app, '.gitignore'), 'utf8').split('\n')
    for (const entry of ['node_modules', '.next', '.data', '.env*.local', 'next-env.d.ts']) {
      expect(ignored, entry).toContain(entry)
    }
  })

  it('declares the Node.js its dependencies need (openai 7 and kysely 0.29 want 22)', () => {
    for (const dep of ['openai', 'kysely']) {
      const declared = JSON.parse(readFileSync(join(app, 'node_modules', dep, 'package.json'), 'utf8')) as {
        engines?: { node?: string }
      }
      const floor = Number(/(\d+)/.exec(declared.engines?.node ?? '0')?.[1] ?? 0)
      const ours = Number(/(\d+)/.exec(pkg.engines.node)?.[1] ?? 0)
      expect(ours, `${dep} wants node ${declared.engines?.node}`).toBeGreaterThanOrEqual(floor)
    }
  })
})
