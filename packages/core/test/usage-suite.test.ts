import { createMemoryUsageStore } from '../src/memory/memory-usage.js'
import { usageSuite } from '../src/testing/usage-suite.js'

usageSuite('memory', ({ clock }) => ({ usage: createMemoryUsageStore({ clock }) }))
