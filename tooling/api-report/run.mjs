#!/usr/bin/env node
/**
 * The API report of every public entry: runs api-extractor on the built `.d.ts` of each entry
 * listed in a package's `exports` and compares the result with packages/<pkg>/api/<entry>.api.md,
 * so an export added, removed or changed by accident fails CI. The configs are generated here
 * (one per entry) rather than checked in, so adding an entry to `exports` is all it takes.
 *
 * Usage: pnpm check:api (builds first; exits non-zero and prints the diff when a report differs)
 *        pnpm api:update (writes the reports; commit them with the change that explains them)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const update = process.argv.includes('--update')
const scratch = mkdtempSync(join(tmpdir(), 'metered-api-'))

/** Every public entry with types: [package dir, report name, absolute .d.ts path]. */
function entries() {
  const out = []
  for (const dir of readdirSync(join(root, 'packages'))) {
    const pkgDir = join(root, 'packages', dir)
    const pkgPath = join(pkgDir, 'package.json')
    if (!existsSync(pkgPath)) continue
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'))
    if (pkg.private) continue
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = typeof target === 'object' ? target.import?.types : undefined
      if (!types) continue
      const name = subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-')
      out.push({ pkgDir, pkgPath, pkgName: pkg.name, name, dts: join(pkgDir, types) })
    }
  }
  return out
}

/** The api-extractor config of one entry: only the report, no rollup, no doc model. */
function configOf({ pkgDir, name, dts }) {
  return {
    projectFolder: pkgDir,
    mainEntryPointFilePath: dts,
    compiler: {
      overrideTsconfig: {
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['es2023', 'dom', 'dom.iterable'],
          jsx: 'react-jsx',
          strict: true,
          skipLibCheck: true,
          types: [],
        },
        files: [dts],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: name,
      reportFolder: join(pkgDir, 'api'),
      reportTempFolder: join(scratch, `${pkgDir.split('/').pop()}-${name}`),
      includeForgottenExports: false,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      // The report pins names and types; release tags and TSDoc style are not part of it.
      extractorMessageReporting: {
        default: { logLevel: 'none' },
        'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: false },
        'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
      },
      tsdocMessageReporting: { default: { logLevel: 'none' } },
      compilerMessageReporting: { default: { logLevel: 'warning' } },
    },
  }
}

let changed = 0
for (const entry of entries()) {
  const label = `${entry.pkgName}${entry.name === 'index' ? '' : `/${entry.name}`}`
  if (!existsSync(entry.dts)) {
    console.error(`api-report: ${label}: ${entry.dts} is missing (run pnpm build first)`)
    process.exit(1)
  }
  mkdirSync(join(entry.pkgDir, 'api'), { recursive: true })
  const config = ExtractorConfig.prepare({
    configObject: configOf(entry),
    configObjectFullPath: join(entry.pkgDir, 'api-extractor.json'),
    packageJsonFullPath: entry.pkgPath,
  })
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false })
  if (result.errorCount > 0) {
    console.error(`api-report: ${label}: api-extractor reported ${result.errorCount} error(s)`)
    process.exit(1)
  }
  if (!result.apiReportChanged) {
    console.log(`api-report: ${label}: unchanged`)
    continue
  }
  changed++
  if (update) {
    console.log(`api-report: ${label}: updated ${config.reportFilePath}`)
    continue
  }
  console.error(`api-report: ${label}: the public API differs from ${config.reportFilePath}`)
  const diff = spawnSync('git', ['diff', '--no-index', '--', config.reportFilePath, config.reportTempFilePath], {
    encoding: 'utf8',
  })
  console.error(diff.stdout || diff.stderr)
}
rmSync(scratch, { recursive: true, force: true })
if (changed > 0 && !update) {
  console.error(`api-report: ${changed} report(s) differ. If the change is intended, run pnpm api:update and commit.`)
  process.exit(1)
}
