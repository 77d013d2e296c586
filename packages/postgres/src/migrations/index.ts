import { initial } from './001-initial.js'
import { ledgerCore } from './002-ledger-core.js'
import { ledgerOps } from './002-ledger-ops.js'
import { ledgerReads } from './002-ledger-reads.js'
import { limiter } from './003-limiter.js'
import { authorize } from './004-authorize.js'

export interface Migration {
  version: number
  name: string
  /** Single statements, run in order in one transaction. `s` is the quoted schema name. */
  statements(s: string): string[]
}

/** Append only: a released version's statements never change; fixes go in a new version. */
export const migrations: Migration[] = [
  { version: 1, name: 'tables', statements: initial },
  { version: 2, name: 'ledger functions', statements: (s) => [...ledgerCore(s), ...ledgerOps(s), ...ledgerReads(s)] },
  { version: 3, name: 'limiter functions', statements: limiter },
  { version: 4, name: 'authorize function', statements: authorize },
]
