import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pack } from '@metered/tooling/pack'

export const METERED_PACKAGES = ['core', 'next', 'postgres', 'redis', 'stripe']

let packed: Promise<string[]> | undefined

/**
 * The README's pack step (`pnpm pack` in each built package: pnpm turns the `workspace:` ranges
 * into versions) into a temporary directory outside the workspace, once per test process: later
 * calls get the same tarballs.
 */
export function packMetered(): Promise<string[]> {
  packed ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'metered-tarballs-'))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    return pack(dir, METERED_PACKAGES)
  })()
  return packed
}

/** Runs a command to the end; rejects with its output when it fails or outlives `timeoutMs`. */
export function exec(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true })
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {}
      reject(new Error(`${command} ${args.join(' ')} took more than ${options.timeoutMs / 1000} s:\n${output}`))
    }, options.timeoutMs)
    child.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(output)
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))
    })
  })
}
