// pgbench, PostgreSQL's own C client, running a script of SQL against a server: the reference
// the Postgres benches measure against, and how they time a function without Node.js in the way.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findPostgresBinDir } from '@metered/tooling'

/**
 * Runs `script` (pgbench's format: one statement a line, `:client_id` and `\set` allowed) with
 * `connections` clients on two threads for `seconds`; returns runs of the script per second.
 */
export function pgbench(url: string, script: string, seconds: number, connections: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'metered-pgbench-'))
  const file = path.join(dir, 'script.sql')
  writeFileSync(file, script)
  const bin = path.join(findPostgresBinDir(), 'pgbench')
  const out = execFileSync(bin, ['-n', '-c', String(connections), '-j', '2', '-T', String(seconds), '-f', file, url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tps = /tps = ([0-9.]+) \(without initial connection time\)/.exec(out)
  if (!tps) throw new Error(`could not read pgbench's tps from:\n${out}`)
  return Number(tps[1])
}
