import { expect, it } from 'vitest'
import { runOnEdge } from './edge-run.js'

it('createProxy, meteredAuth and the route factories run under edge-runtime (Web APIs only)', async () => {
  const result = await runOnEdge('./proxy-edge-scenario.ts', '__proxyScenario', {
    // imported lazily by meteredAuth (request headers) and absent here, as on any non-Next host
    external: ['next/headers', 'next/server'],
  })
  expect(result).toEqual({
    isEdge: true,
    proxied: [null, null, 429],
    grant: 200,
    refused: 403,
    available: 6.5,
    logins: 1,
  })
})
