import { concurrentPhase } from './ledger-chaos-concurrent.js'
import { createKnown, createRng } from './ledger-chaos-kit.js'
import { sequentialPhase } from './ledger-chaos-sequential.js'
import type { LedgerCheck } from './ledger-check-kit.js'
import { uid } from './ledger-check-kit.js'
import { propertySeed } from './seeded.js'

/**
 * Model-based chaos: rounds of random operations, each round on fresh accounts with its own
 * seed derived from the run's. A round is a sequential phase compared exactly with an
 * independent model (ledger-chaos-model.ts), then concurrent batches on that account and a
 * second one, checked by invariants. Rounds run until `chaosOps` store calls were made or
 * `chaosMs` passed (at least one round); on failure the error names the seed, the round and
 * every operation of the round.
 */
export const chaos: LedgerCheck = async (ctx) => {
  const { harness, clock } = ctx
  // The same seed as the fast-check properties (FC_SEED, else a fixed default), unless given.
  const seed = ctx.chaosSeed ?? propertySeed()
  const budget = ctx.chaosOps ?? 1500
  const deadline = Date.now() + (ctx.chaosMs ?? 8000)
  let calls = 0
  for (let round = 0; calls < budget && (round === 0 || Date.now() < deadline); round++) {
    const rng = createRng((seed + Math.imul(round, 0x9e3779b9)) >>> 0)
    const log: string[] = []
    const known = createKnown()
    const x = uid('chaos')
    const y = uid('chaos')
    try {
      calls += await sequentialPhase(harness, clock, rng, x, known, rng.int(20, 40), log)
      for (const amount of [rng.int(20, 80), rng.int(1, 40)]) {
        const key = uid('chaos-grant')
        const g = await harness.ledger.grant({ account: y, amount, source: 'chaos', idempotencyKey: key })
        known.grants.push({ store: g.grantId, model: g.grantId, key, account: y })
        log.push(`grant ${amount} to the second account`)
      }
      calls += await concurrentPhase(harness, clock, rng, [x, y], known, rng.int(2, 3), log)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const wrapped = new Error(
        `chaos check failed: seed ${seed} (rerun with FC_SEED=${seed}), round ${round}: ${message}\n` +
          `operations of the round:\n${log.join('\n')}`,
      )
      wrapped.stack = `${wrapped.message}\n${error instanceof Error ? error.stack : ''}`
      throw wrapped
    }
  }
}
