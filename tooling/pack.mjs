/**
 * What the checks that install the packed packages share (tooling/next-matrix, tooling/docs-check):
 * running a command into a log, picking out why it failed, and `pnpm pack` of built packages.
 */
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { basename, delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

/** pnpm as the script was started with (`pnpm check:...`), else the one on PATH, else npx's. */
export function pnpm() {
  const exec = process.env.npm_execpath
  if (exec && basename(exec).startsWith('pnpm')) {
    return exec.endsWith('.cjs') || exec.endsWith('.js') ? [process.execPath, exec] : [exec]
  }
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, 'pnpm')))
  return onPath ? ['pnpm'] : ['npx', '-y', 'pnpm@12']
}

/**
 * Runs a command, its output into `log` (and the returned text); resolves with the exit code.
 * `timeoutMs` kills it (the text then says so).
 */
export function run(cmd, args, { cwd, log, env = {}, timeoutMs = 8 * 60_000, label = 'run' }) {
  return new Promise((resolve) => {
    const out = createWriteStream(log, { flags: 'a' })
    out.write(`\n$ ${[cmd, ...args].join(' ')}\n`)
    let text = ''
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const take = (d) => {
      text += d
      out.write(d)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => {
      take(`\n[${label}] timed out after ${timeoutMs / 1000}s\n`)
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => take(`\n[${label}] ${error.message}\n`))
    child.on('close', (code) => {
      clearTimeout(timer)
      out.end(() => resolve({ code: code ?? 1, text }))
    })
  })
}

/** The lines that say why a build or type-check failed, else the output's tail. */
export function why(text) {
  const lines = text.split('\n')
  const hits = lines.filter(
    (l) => /error|invalid|Type error|failed|not found|Can't resolve/i.test(l) && !/^npm warn/i.test(l),
  )
  return (hits.length > 0 ? hits.slice(0, 40) : lines.slice(-40)).join('\n')
}

/** `pnpm pack` of packages/<name> (built dist) for each name into dir/tarballs; the tarball paths. */
export async function pack(dir, packages) {
  const tarballs = join(dir, 'tarballs')
  await mkdir(tarballs)
  const [cmd, ...pre] = pnpm()
  for (const pkg of packages) {
    const cwd = join(root, 'packages', pkg)
    if (!existsSync(join(cwd, 'dist'))) throw new Error(`packages/${pkg}/dist is missing: build the packages first`)
    const { code, text } = await run(cmd, [...pre, 'pack', '--pack-destination', tarballs], {
      cwd,
      log: join(dir, 'pack.log'),
      label: 'pack',
    })
    if (code !== 0) throw new Error(`pnpm pack in packages/${pkg} failed:\n${why(text)}`)
  }
  return (await readdir(tarballs)).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f))
}
