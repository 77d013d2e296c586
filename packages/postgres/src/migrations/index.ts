import { initial } from './001-initial.js'
import { ledgerCore } from './002-ledger-core.js'
import { ledgerOps } from './002-ledger-ops.js'
import { ledgerReads } from './002-ledger-reads.js'
import { limiter } from './003-limiter.js'
import { authorize } from './004-authorize.js'
import { clawback } from './005-clawback.js'
import { releaseFreesKey } from './006-release-frees-key.js'
import { keysPerAccount } from './007-keys-per-account.js'
import { usageDaily } from './008-usage-daily.js'
import { allocateLater } from './009-debits-allocate-later.js'
import { allocateGivenUnits } from './010-allocate-given-units.js'

export interface Migration {
  version: number
  name: string
  /** Single statements, run in order in one transaction. `s` is the quoted schema name. */
  statements(s: string): string[]
}

/**
 * Every function, as it is now. Each is `CREATE OR REPLACE`, so running them again is harmless.
 *
 * Tables and other schema changes are append only: a released version's DDL never changes, and
 * a change goes in a new version. Functions have one definition each, the current one, in the
 * builders above; a version that changes a function re-creates them all (after its DDL). On a
 * fresh database the earlier versions that install the functions therefore create the current
 * bodies before the later DDL has run. That is sound because plpgsql resolves tables and
 * columns when a function runs, not when it is created, and nothing runs before migrate()
 * commits; LANGUAGE sql bodies are checked at creation, so those must only use what version 1
 * created. A function whose signature changes is dropped in its old form by the new version.
 * The upgrade test (test/upgrade.test.ts) checks that an upgraded 0.1 schema equals a fresh one.
 */
const functions = (s: string): string[] => [
  ...ledgerCore(s),
  ...ledgerOps(s),
  ...ledgerReads(s),
  ...limiter(s),
  ...authorize(s),
]

export const migrations: Migration[] = [
  { version: 1, name: 'tables', statements: initial },
  { version: 2, name: 'ledger functions', statements: (s) => [...ledgerCore(s), ...ledgerOps(s), ...ledgerReads(s)] },
  { version: 3, name: 'limiter functions', statements: limiter },
  { version: 4, name: 'authorize function', statements: authorize },
  {
    version: 5,
    name: 'clawback, balance bound, authorize replays first',
    statements: (s) => [...clawback(s), ...functions(s)],
  },
  { version: 6, name: 'a released hold frees its key', statements: (s) => [...releaseFreesKey(s), ...functions(s)] },
  { version: 7, name: 'idempotency keys per account', statements: (s) => [...keysPerAccount(s), ...functions(s)] },
  { version: 8, name: 'daily usage rollup', statements: usageDaily },
  {
    version: 9,
    name: 'debits take from the grants later',
    statements: (s) => [...allocateLater(s), ...functions(s)],
  },
  {
    version: 10,
    name: 'reserve allocates the debits before it only when there are some',
    statements: (s) => [...allocateGivenUnits(s), ...functions(s)],
  },
  { version: 11, name: 'a token bucket answers the exact retryAfter', statements: functions },
]
