import { createMemoryLimiterStore } from '../src/memory/memory-limiter-store.js'
import { limiterStoreSuite } from '../src/testing/limiter-store-suite.js'

limiterStoreSuite('memory', ({ clock }) => ({ store: createMemoryLimiterStore({ clock }) }), {
  concurrency: 300,
  numRuns: 100,
})
