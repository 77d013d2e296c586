// How a bench hands its figures to `pnpm bench` (bench/run.ts): when BENCH_RESULT names a file,
// the figures are written there as JSON; run alone, a bench only prints.
import { writeFileSync } from 'node:fs'

export function writeResult(figures: unknown): void {
  const file = process.env.BENCH_RESULT
  if (file) writeFileSync(file, JSON.stringify(figures, null, 2))
}

/** Throws unless `ok`: a benchmark whose answers are wrong must fail, however fast it was. */
export function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`wrong result: ${what}`)
}
