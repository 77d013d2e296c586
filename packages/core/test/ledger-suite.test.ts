import { createMemoryLedger } from '../src/memory/memory-ledger.js'
import { ledgerSuite } from '../src/testing/ledger-suite.js'

// The memory ledger is the model the property check compares against, so here the property
// mostly proves the harness itself; it is cheap, so it runs many more sequences than adapters do
// (the chaos check compares it with its own, independent model).
ledgerSuite(
  'memory',
  ({ clock }) => {
    const ledger = createMemoryLedger({ clock })
    return { ledger, raw: ledger.raw }
  },
  { numRuns: 200, chaosOps: 6000 },
)
