import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type AuthEdit, type AuthWiring, editAuthModule, glueImport } from './auth-edit.js'
import { detect, NotAnAppError } from './detect.js'
import { unifiedDiff } from './diff.js'
import { editLayout, MANUAL_LINES } from './layout.js'
import { ownerOf } from './marker.js'
import { editNextConfig, externalLine, NEXT_CONFIG_FILES, newNextConfig } from './next-config.js'
import { nextSteps } from './next-steps.js'
import type { InitOptions } from './options.js'
import { choose, devPackagesNeeded, installCommand, packagesNeeded, planFiles, templateChoices } from './plan.js'
import { render, rewriteImports } from './render.js'

/** How init talks to its user; `ask` is null when nobody can answer (no TTY). */
export interface Io {
  log(text: string): void
  ask: ((question: string) => Promise<boolean>) | null
}

/** What a run did to each file (paths relative to the app root). */
export interface InitResult {
  created: string[]
  updated: string[]
  unchanged: string[]
  /** The user's files init left as they are (edited since init wrote them, or never init's). */
  kept: string[]
  layout: 'inserted' | 'present' | 'printed' | 'none'
  /** The Next.js config (an embedded PGlite must stay external to the server bundle). */
  nextConfig: 'inserted' | 'created' | 'present' | 'printed' | 'none'
  /** The app's auth module: metered's glue inserted, already there, left to the user, or no glue to add. */
  auth: AuthWiring
  /** True when the run wrote nothing (dry run, or nothing to do). */
  wroteNothing: boolean
}

const templates = fileURLToPath(new URL('../templates/', import.meta.url))

/** What an instrumentation.ts of the app's own needs, printed when init keeps it. */
const INSTRUMENTATION = `  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build') {
    const { warmUp } = await import('./lib/metered-stores')
    await warmUp()
  }`

type Change = { path: string; before: string | null; after: string; owner: 'init' | 'user' | null }

async function readOrNull(path: string): Promise<string | null> {
  return existsSync(path) ? readFile(path, 'utf8') : null
}

/** The auth module's file (relative to root) from detect's extension-less path. */
async function authModuleFile(root: string, base: string, module: string | null): Promise<string | null> {
  if (!module) return null
  for (const ext of ['.ts', '.tsx', '.js', '.mjs']) {
    if (existsSync(join(root, base, `${module}${ext}`))) return `${base}${module}${ext}`
  }
  return null
}

export async function init(options: InitOptions, io: Io): Promise<InitResult> {
  const root = resolve(options.dir)
  const detected = await detect(root)
  if (!detected.typescript) {
    throw new NotAnAppError('metered init writes TypeScript: add a tsconfig.json first (`next dev` creates one)')
  }
  const choices = choose(options, detected)
  io.log(
    `metered init in ${root}: Next.js ${detected.nextMajor ?? '?'}, ${detected.base}app/, auth ${choices.auth}, ` +
      `db ${choices.db}, limits ${choices.redis === 'upstash' ? 'Upstash' : 'in the db'}, ` +
      `stripe ${choices.stripe ? (detected.stripeKeys ? 'on' : 'on (dev checkout: no keys)') : 'off'}, ` +
      `imports ${detected.alias ? `'${detected.alias}…'` : 'relative'}`,
  )

  const replace: Record<string, string> = {}
  if (detected.authModule) {
    replace[choices.auth === 'authjs' ? "'@/auth'" : "'@/lib/auth'"] = `'@/${detected.authModule}'`
  }
  const changes: Change[] = []
  for (const planned of planFiles(choices)) {
    const template = await readFile(join(templates, planned.template), 'utf8')
    const after = render(template, {
      file: planned.file,
      choices: templateChoices(choices),
      alias: detected.alias,
      replace,
    })
    const path = `${detected.base}${planned.file}`
    const before = await readOrNull(join(root, path))
    changes.push({ path, before, after, owner: before === null ? null : ownerOf(before) })
  }

  const result: InitResult = {
    created: [],
    updated: [],
    unchanged: [],
    kept: [],
    layout: 'none',
    nextConfig: 'none',
    auth: 'none',
    wroteNothing: true,
  }
  const layoutBefore = detected.layout ? await readFile(join(root, detected.layout), 'utf8') : null
  const layoutEdit = layoutBefore === null ? null : editLayout(layoutBefore)
  const configPath = NEXT_CONFIG_FILES.find((f) => existsSync(join(root, f))) ?? null
  const configBefore = configPath === null ? null : await readFile(join(root, configPath), 'utf8')
  const configEdit =
    choices.db !== 'pglite'
      ? null
      : configBefore === null
        ? ({ kind: 'insert', text: newNextConfig(detected.nextMajor) } as const)
        : editNextConfig(configBefore, detected.nextMajor)
  const configFile = configPath ?? 'next.config.mjs'

  const authFile = await authModuleFile(root, detected.base, detected.authModule)
  const authBefore = authFile ? await readFile(join(root, authFile), 'utf8') : null
  const glue = glueImport(choices.auth)
  const authEdit: AuthEdit =
    authFile && authBefore !== null && glue
      ? editAuthModule(
          authBefore,
          choices.auth,
          rewriteImports(glue, authFile.slice(detected.base.length), detected.alias),
        )
      : glue
        ? { kind: 'manual', reason: 'no auth module found' }
        : { kind: 'none' }

  if (options.dryRun) {
    for (const change of changes) {
      if (change.before === change.after) result.unchanged.push(change.path)
      else io.log(unifiedDiff(change.path, change.before, change.after).trimEnd())
    }
    if (detected.layout && layoutEdit?.kind === 'insert')
      io.log(unifiedDiff(detected.layout, layoutBefore, layoutEdit.text).trimEnd())
    if (configEdit?.kind === 'insert') io.log(unifiedDiff(configFile, configBefore, configEdit.text).trimEnd())
    if (authFile && authEdit.kind === 'insert') io.log(unifiedDiff(authFile, authBefore, authEdit.text).trimEnd())
    io.log('Dry run: nothing was written.')
    return result
  }

  for (const change of changes) {
    if (change.before === change.after) {
      result.unchanged.push(change.path)
      continue
    }
    let write = change.before === null || change.owner === 'init'
    if (!write && !options.yes && io.ask) {
      io.log(unifiedDiff(change.path, change.before, change.after).trimEnd())
      write = await io.ask(`${change.path} is yours: replace it with the diff above?`)
    }
    if (!write) {
      result.kept.push(change.path)
      continue
    }
    await mkdir(dirname(join(root, change.path)), { recursive: true })
    await writeFile(join(root, change.path), change.after)
    ;(change.before === null ? result.created : result.updated).push(change.path)
  }

  if (detected.layout && layoutEdit) {
    if (layoutEdit.kind === 'present') result.layout = 'present'
    else if (layoutEdit.kind === 'insert') {
      let insert = options.yes
      if (!insert && io.ask) {
        io.log(unifiedDiff(detected.layout, layoutBefore, layoutEdit.text).trimEnd())
        insert = await io.ask(
          `Add MeteredProvider and CreditDisplay to ${detected.layout} (lines inserted, none changed)?`,
        )
      }
      if (insert) {
        await writeFile(join(root, detected.layout), layoutEdit.text)
        result.layout = 'inserted'
      } else result.layout = 'printed'
    } else {
      io.log(`${detected.layout}: ${layoutEdit.reason}, so init leaves it alone.`)
      result.layout = 'printed'
    }
  }

  if (configEdit?.kind === 'present') result.nextConfig = 'present'
  else if (configEdit?.kind === 'insert') {
    let edit = configBefore === null || options.yes
    if (!edit && io.ask) {
      io.log(unifiedDiff(configFile, configBefore, configEdit.text).trimEnd())
      edit = await io.ask(`Keep PGlite out of the server bundle in ${configFile} (one line inserted)?`)
    }
    if (edit) {
      await writeFile(join(root, configFile), configEdit.text)
      result.nextConfig = configBefore === null ? 'created' : 'inserted'
    } else result.nextConfig = 'printed'
  } else if (configEdit?.kind === 'manual') {
    io.log(`${configFile}: ${configEdit.reason}, so init leaves it alone.`)
    result.nextConfig = 'printed'
  }
  if (authEdit.kind === 'present') result.auth = 'present'
  else if (authEdit.kind === 'manual') result.auth = 'printed'
  else if (authEdit.kind === 'insert' && authFile) {
    let insert = options.yes
    if (!insert && io.ask) {
      io.log(unifiedDiff(authFile, authBefore, authEdit.text).trimEnd())
      insert = await io.ask(`Add metered's sign-in bookkeeping to ${authFile} (lines inserted, none changed)?`)
    }
    if (insert) {
      await writeFile(join(root, authFile), authEdit.text)
      result.auth = 'inserted'
    } else result.auth = 'printed'
  }
  if (authEdit.kind === 'manual' && authFile) io.log(`${authFile}: ${authEdit.reason}, so init leaves it alone.`)

  for (const path of result.created) io.log(`  created    ${path}`)
  for (const path of result.updated) io.log(`  updated    ${path}`)
  for (const path of result.unchanged) io.log(`  unchanged  ${path}`)
  for (const path of result.kept) {
    io.log(
      `  kept yours ${path} (edited or not written by init; \`metered init --dry-run\` shows what init would write)`,
    )
  }
  const instrumentation = `${detected.base}instrumentation.ts`
  if (result.kept.includes(instrumentation)) {
    io.log(
      `Add to register() in ${instrumentation}, so the database is migrated when the server starts:\n${INSTRUMENTATION}`,
    )
  }
  if (result.nextConfig === 'created') io.log(`  created    ${configFile} (serverExternalPackages: PGlite)`)
  if (result.nextConfig === 'inserted') io.log(`  edited     ${configFile} (serverExternalPackages: PGlite)`)
  if (result.nextConfig === 'printed') {
    io.log(
      `Add to the config object in ${configFile}, or every query of the embedded database fails once built:\n  ${externalLine(detected.nextMajor)}`,
    )
  }
  if (result.layout === 'inserted') io.log(`  edited     ${detected.layout} (MeteredProvider, CreditDisplay)`)
  if (result.layout === 'present') io.log(`  unchanged  ${detected.layout} (already has MeteredProvider)`)
  if (result.auth === 'inserted') io.log(`  edited     ${authFile} (metered's sign-in bookkeeping)`)
  if (result.auth === 'present') io.log(`  unchanged  ${authFile} (already has metered's sign-in bookkeeping)`)
  if (result.layout === 'printed' || (detected.layout === null && layoutEdit === null)) {
    io.log(
      `Add the provider to your root layout by hand:\n${layoutEdit?.kind === 'manual' ? layoutEdit.lines : MANUAL_LINES}`,
    )
    if (detected.layout === null) result.layout = 'printed'
  }
  result.wroteNothing =
    result.created.length + result.updated.length === 0 &&
    result.layout !== 'inserted' &&
    result.nextConfig !== 'inserted' &&
    result.nextConfig !== 'created' &&
    result.auth !== 'inserted'
  if (result.wroteNothing && result.kept.length === 0) io.log('Nothing to do: metered is already set up here.')

  const packages = packagesNeeded(choices, detected.dependencies)
  const devPackages = devPackagesNeeded(choices, detected.dependencies)
  const commands = [
    ...(packages.length > 0 ? [installCommand(detected.packageManager, packages)] : []),
    ...(devPackages.length > 0 ? [installCommand(detected.packageManager, devPackages, true)] : []),
  ]
  if (options.install) {
    for (const [cmd = 'npm', ...args] of commands) {
      io.log(`$ ${[cmd, ...args].join(' ')}`)
      const run = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
      if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit code ${run.status})`)
    }
  }
  const install = options.install || commands.length === 0 ? null : commands.map((c) => c.join(' ')).join(' && ')
  io.log(
    `\nNext steps:\n${nextSteps(choices, detected, install, result.auth)
      .map((s) => `- ${s}`)
      .join('\n')}`,
  )
  return result
}
