import { pgliteSuite } from './pglite-suite'
import { postgresSuite } from './postgres-suite'

// One file, so the two app servers run one after the other (they share one Turbopack build
// directory, which `next dev` locks) whatever the runner's file parallelism.
pgliteSuite()
postgresSuite()
