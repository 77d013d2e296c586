#!/usr/bin/env node
/**
 * Every TypeScript block of the docs, compiled as a user's app would: packs the packages (built
 * dist) into tarballs, installs them with npm into a scratch app outside the workspace together
 * with what the docs import (deps.mjs), writes each ```ts / ```tsx block of README.md, docs/*.md
 * and packages/*\/README.md into a file of its own (conventions: ./README.md), and runs strict
 * `tsc --noEmit`; then executes the blocks marked `run` with tsx. Errors are reported at the
 * page's file:line. Exits non-zero when a block does not compile or a `run` block fails.
 *
 * Usage: pnpm check:docs (builds the packages first), or node tooling/docs-check/run.mjs
 * DOCS_CHECK_KEEP=1 keeps the scratch app (it is always kept on failure); DOCS_CHECK_DIR=<that
 * dir> reuses a kept one without packing and installing again (to iterate on the docs; rebuild
 * and run without it after changing a package).
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pack, root, run as runLogged, why } from '../pack.mjs'
import { dependencies, openai4, tsconfig, tsconfigAuthjs, tsconfigOpenai4 } from './deps.mjs'
import { compileUnit, extractBlocks } from './extract.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const packages = ['core', 'next', 'postgres', 'redis', 'stripe']
const run = (cmd, args, options) => runLogged(cmd, args, { ...options, label: 'docs-check' })

/** README.md, docs/*.md, packages/*\/README.md: the pages a user reads. */
async function pages() {
  const docs = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)
  const readmes = (await readdir(join(root, 'packages')))
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => existsSync(join(root, f)))
  return ['README.md', ...docs.sort(), ...readmes.sort()]
}

/** Writes one file per block file into app/blocks; returns the units (file name -> page mapping). */
async function writeBlocks(app) {
  const units = new Map()
  const counts = { blocks: 0, partial: 0, files: 0 }
  const runnable = []
  await mkdir(join(app, 'blocks'), { recursive: true })
  await mkdir(join(app, 'blocks-authjs'), { recursive: true })
  await mkdir(join(app, 'blocks-openai4'), { recursive: true })
  for (const page of await pages()) {
    const { blocks } = extractBlocks(page, await readFile(join(root, page), 'utf8'))
    for (const block of blocks) {
      counts.blocks++
      if (block.partial) {
        counts.partial++
        continue
      }
      block.files.forEach((file, k) => {
        const name = `${block.authjs ? 'blocks-authjs' : 'blocks'}/${page.replace(/[/.]/g, '_')}_L${block.line}${k > 0 ? `_${k}` : ''}.${block.lang}`
        const unit = compileUnit(file)
        units.set(name, { page, ...unit })
        if (block.openai4) units.set(name.replace(/^blocks\//, 'blocks-openai4/'), { page, ...unit })
        counts.files++
        if (block.run) runnable.push({ name, page, line: block.line })
      })
    }
  }
  for (const [name, unit] of units) await writeFile(join(app, name), unit.source)
  return { units, counts, runnable }
}

/** tsc's `file(line,col): error ...` lines (and their continuation lines), mapped to the pages. */
function mapErrors(text, units) {
  const out = []
  for (const line of text.split('\n')) {
    const m = line.match(/^(.+?)\((\d+),(\d+)\): (error .*)$/)
    if (m) {
      const unit = units.get(m[1])
      if (unit) out.push(`${unit.page}:${unit.pageLine(Number(m[2]))}:${m[3]}: ${m[4]}`)
      else if (m[1].startsWith('src/')) out.push(`tooling/docs-check/app/${m[1].slice(4)}:${m[2]}:${m[3]}: ${m[4]}`)
      else out.push(line)
    } else if (/^\s+\S/.test(line) && out.length > 0) out.push(line)
    else if (/error TS/.test(line)) out.push(line)
  }
  return out
}

async function main() {
  const reuse = process.env.DOCS_CHECK_DIR
  const dir = reuse ?? (await mkdtemp(join(tmpdir(), 'metered-docs-check-')))
  const app = join(dir, 'app')
  const log = join(dir, 'docs-check.log')
  console.log(`[docs-check] working in ${dir} (node ${process.version})`)
  const tarballs = reuse ? [] : await pack(dir, packages)
  await rm(join(app, 'src'), { recursive: true, force: true })
  await rm(join(app, 'blocks'), { recursive: true, force: true })
  await rm(join(app, 'blocks-authjs'), { recursive: true, force: true })
  await rm(join(app, 'blocks-openai4'), { recursive: true, force: true })
  await cp(join(here, 'app'), join(app, 'src'), { recursive: true })
  await rm(join(app, 'src', 'README.md'))
  await writeFile(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'metered-docs-check', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  )
  await writeFile(join(app, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
  await writeFile(join(app, 'tsconfig.authjs.json'), `${JSON.stringify(tsconfigAuthjs, null, 2)}\n`)
  await writeFile(join(app, 'tsconfig.openai4.json'), `${JSON.stringify(tsconfigOpenai4, null, 2)}\n`)
  const { units, counts, runnable } = await writeBlocks(app)

  const install = reuse
    ? { code: 0 }
    : await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, ...dependencies], {
        cwd: app,
        log,
      })
  if (install.code !== 0) throw new Error(`npm install failed:\n${why(install.text)}`)
  const installOpenai4 = reuse
    ? { code: 0 }
    : await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', join(app, 'openai4'), openai4],
        {
          cwd: app,
          log,
        },
      )
  if (installOpenai4.code !== 0) throw new Error(`npm install ${openai4} failed:\n${why(installOpenai4.text)}`)
  const versions = await installedVersions(app, [
    'next',
    'react',
    'kysely',
    'openai',
    'ai',
    'next-auth',
    'next-auth-v5',
    'better-auth',
    'typescript',
  ])
  console.log(`[docs-check] installed ${versions}`)

  const failures = []
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc')
  const errors = []
  const projects = ['tsconfig.json']
  if ([...units.keys()].some((name) => name.startsWith('blocks-authjs/'))) projects.push('tsconfig.authjs.json')
  if ([...units.keys()].some((name) => name.startsWith('blocks-openai4/'))) projects.push('tsconfig.openai4.json')
  for (const project of projects) {
    const types = await run(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', project], { cwd: app, log })
    const found = types.code === 0 ? [] : mapErrors(types.text, units)
    if (types.code !== 0) failures.push(`tsc -p ${project}: ${found.filter((e) => / error TS/.test(e)).length} errors`)
    errors.push(...found)
  }
  for (const e of errors) console.log(e)

  const tsx = join(app, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  for (const block of runnable) {
    const result = await run(process.execPath, [tsx, block.name], { cwd: app, log, timeoutMs: 2 * 60_000 })
    const where = `${block.page}:${block.line}`
    if (result.code === 0) console.log(`[docs-check] ran ${where}: ok\n${result.text.trim().replace(/^/gm, '    ')}`)
    else
      failures.push(
        `${where}: running the block failed (exit ${result.code}):\n${result.text.trim().replace(/^/gm, '    ')}`,
      )
  }

  const failedPages = new Set(errors.filter((e) => / error TS/.test(e)).map((e) => e.split(':')[0]))
  console.log(
    `[docs-check] ${counts.blocks} blocks: ${counts.blocks - counts.partial} compiled as ${counts.files} files, ${counts.partial} partial; ${runnable.length} run`,
  )
  if (failures.length === 0) {
    console.log('[docs-check] ok')
    if (process.env.DOCS_CHECK_KEEP !== '1' && !reuse) await rm(dir, { recursive: true, force: true })
    return
  }
  for (const f of failures) console.log(`[docs-check] FAILED: ${f}`)
  if (failedPages.size > 0) console.log(`[docs-check] pages with errors: ${[...failedPages].join(', ')}`)
  console.log(`[docs-check] scratch app and log kept: ${log}`)
  process.exitCode = 1
}

async function installedVersions(app, names) {
  const found = []
  for (const name of names) {
    const file = join(app, 'node_modules', name, 'package.json')
    if (existsSync(file)) found.push(`${name}@${JSON.parse(await readFile(file, 'utf8')).version}`)
  }
  return found.join(' ')
}

main().catch((error) => {
  console.error(`[docs-check] ${error instanceof Error ? error.message : error}`)
  process.exitCode = 1
})
