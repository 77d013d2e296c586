import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `pnpm check:graph` (.dependency-cruiser.cjs) run on the repository as it is, then on a copy
// with one violation of each rule planted in it: the check must pass on the first and name every
// planted violation on the second (a check that passes everything would pass the first alone).
const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const PACKAGES = ['core', 'next', 'postgres', 'redis', 'stripe']

function checkGraph(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [cli, '--config', '.dependency-cruiser.cjs', ...PACKAGES.map((p) => `packages/${p}/src`)],
    { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  )
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

/** One planted violation: the files to add and the line the check must print for it. */
interface Plant {
  files: Record<string, string>
  expect: RegExp
}

const plants: Plant[] = [
  {
    files: {
      'packages/core/src/pricing/cycle-a.ts': "import { b } from './cycle-b.js'\nexport const a = () => b\n",
      'packages/core/src/pricing/cycle-b.ts': "import { a } from './cycle-a.js'\nexport const b = () => a\n",
    },
    expect: /no-cycle: packages\/core\/src\/pricing\/cycle-a\.ts → \s+packages\/core\/src\/pricing\/cycle-b\.ts/,
  },
  {
    files: {
      'packages/core/src/uses-redis-adapter.ts': "export { createRedisStores } from '../../redis/src/index.js'\n",
    },
    expect:
      /core-imports-no-adapter-or-framework: packages\/core\/src\/uses-redis-adapter\.ts → packages\/redis\/src\/index\.ts/,
  },
  {
    // react is linked into core's node_modules below, as adding it to core's dependencies would.
    files: { 'packages/core/src/uses-react.ts': "import { useState } from 'react'\nexport const hook = useState\n" },
    expect: /core-imports-no-adapter-or-framework: packages\/core\/src\/uses-react\.ts → .*node_modules\/react\//,
  },
  {
    files: {
      'packages/core/src/uses-ioredis.ts': "import Redis from 'ioredis'\nexport const client = () => new Redis()\n",
    },
    expect: /no-unresolvable: packages\/core\/src\/uses-ioredis\.ts → ioredis/,
  },
  {
    files: {
      'packages/core/src/ledger/uses-testing.ts':
        "import type { SuiteContext } from '../testing/types.js'\nexport type Ctx = SuiteContext\n",
    },
    expect:
      /runtime-imports-no-testing: packages\/core\/src\/ledger\/uses-testing\.ts → packages\/core\/src\/testing\/types\.ts/,
  },
  {
    files: { 'packages/next/src/react/uses-server.ts': "export { problemResponse } from '../server/problem.js'\n" },
    expect:
      /react-entry-imports-only-react: packages\/next\/src\/react\/uses-server\.ts → packages\/next\/src\/server\/problem\.ts/,
  },
  {
    files: {
      'packages/next/src/react/uses-core.ts':
        "import { isMeteredError } from '@metered/core'\nexport const is = isMeteredError\n",
    },
    expect: /react-entry-imports-only-react: packages\/next\/src\/react\/uses-core\.ts → packages\/core\/dist\//,
  },
  {
    // resolves: next has @metered/redis as a dev dependency (for its tests)
    files: { 'packages/next/src/uses-redis.ts': "export { createRedisStores } from '@metered/redis'\n" },
    expect: /adapter-imports-no-other-adapter: packages\/next\/src\/uses-redis\.ts → packages\/redis\/dist\//,
  },
  {
    files: { 'packages/stripe/src/uses-postgres.ts': "export { migrate } from '../../postgres/src/index.js'\n" },
    expect:
      /adapter-imports-no-other-adapter: packages\/stripe\/src\/uses-postgres\.ts → packages\/postgres\/src\/index\.ts/,
  },
  {
    files: { 'packages/next/src/server/uses-routes.ts': "export { createCreditRoutes } from '../routes/index.js'\n" },
    expect: /no-folder-cycle: packages\/next\/src\/(server|routes) →\s+packages\/next\/src\/(routes|server)/,
  },
]

// Allowed: the React entry may import types from anywhere (they are erased from the bundle).
const allowed: Record<string, string> = {
  'packages/next/src/react/types-only.ts':
    "import type { Metered } from '@metered/core'\nimport type { MeteredNextCore } from '../server/types.js'\n" +
    'export type Both = [Metered, MeteredNextCore]\n',
}

describe('import graph check (pnpm check:graph)', () => {
  let copy: string

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'metered-graph-'))
    for (const file of ['.dependency-cruiser.cjs', 'tsconfig.base.json', 'package.json']) {
      cpSync(join(root, file), join(copy, file))
    }
    // The packages with their dist/ (what a workspace import resolves to) and their node_modules
    // links, which point at ../../../node_modules: the copy's own link to the real one.
    for (const p of PACKAGES) {
      cpSync(join(root, 'packages', p), join(copy, 'packages', p), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (src) => !src.includes('/.turbo'),
      })
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'))
    symlinkSync(
      readlinkSync(join(root, 'packages/next/node_modules/react')),
      join(copy, 'packages/core/node_modules/react'),
    )
    for (const files of [...plants.map((p) => p.files), allowed]) {
      for (const [file, source] of Object.entries(files)) writeFileSync(join(copy, file), source)
    }
  })

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true })
  })

  it('passes on the repository as it is', () => {
    const { status, output } = checkGraph(root)
    expect(output).toContain('no dependency violations found')
    expect(status).toBe(0)
  })

  it('fails on a copy with one violation of each rule, naming each', () => {
    const { status, output } = checkGraph(copy)
    expect(status).not.toBe(0)
    for (const plant of plants) expect(output, Object.keys(plant.files)[0]).toMatch(plant.expect)
    expect(output).not.toContain('types-only.ts')
  })
})
