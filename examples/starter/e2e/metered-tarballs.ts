import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pack } from '@metered/tooling/pack'

export const METERED_PACKAGES = ['core', 'next', 'postgres', 'redis', 'stripe']

let packed: { dir: string; tarballs: Promise<string[]> } | undefined

/**
 * The README's pack step (`pnpm pack` in each built package: pnpm turns the `workspace:` ranges
 * into versions) into a temporary directory outside the workspace, once per test process: later
 * calls get the same tarballs until `removePackedMetered()`.
 */
export function packMetered(): Promise<string[]> {
  if (!packed) {
    const dir = mkdtempSync(path.join(tmpdir(), 'metered-tarballs-'))
    packed = { dir, tarballs: pack(dir, METERED_PACKAGES) }
  }
  return packed.tarballs
}

/** Deletes the tarballs (a test's afterAll); the next `packMetered()` packs again. */
export function removePackedMetered(): void {
  if (packed) rmSync(packed.dir, { recursive: true, force: true })
  packed = undefined
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
