import { createMemoryLedger } from '../src/memory/memory-ledger.js'
import { ledgerSuite } from '../src/testing/ledger-suite.js'

ledgerSuite('memory', ({ clock }) => {
  const ledger = createMemoryLedger({ clock })
  return { ledger, raw: ledger.raw }
})
