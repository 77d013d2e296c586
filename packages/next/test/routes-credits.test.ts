import type { NextRequest } from 'next/server'
import { expect, it } from 'vitest'
import { createCreditRoutes, createProfileRoutes } from '../src/routes/index.js'
import { creditRoutesSuite } from './routes-credits.suite.js'
import { memoryStores, routesSetup } from './routes-setup.js'

creditRoutesSuite(memoryStores)

it('the handlers fit the signatures Next 15/16 check route files against', async () => {
  const s = await routesSetup(memoryStores)
  const credits = createCreditRoutes(s.deps)
  const profile = createProfileRoutes(s.deps)
  // app/api/credits/[...route]/route.ts and app/api/profile/[[...route]]/route.ts
  const get: (req: NextRequest, ctx: { params: Promise<{ route: string[] }> }) => Promise<Response> = credits.GET
  const post: (req: NextRequest, ctx: { params: Promise<{ route: string[] }> }) => Promise<Response> = credits.POST
  const optional: (req: NextRequest, ctx: { params: Promise<{ route?: string[] }> }) => Promise<Response> = profile.GET
  expect([get, post, optional].every((f) => typeof f === 'function')).toBe(true)
})

it('a catch-all folder with another name ([...slug]) works too', async () => {
  const s = await routesSetup(memoryStores)
  const credits = createCreditRoutes(s.deps)
  const req = new Request('http://localhost/api/v2/money/balance', { headers: { 'x-user': 'alice' } })
  const res = await credits.GET(req, { params: Promise.resolve({ slug: ['balance'] }) })
  expect(res.status).toBe(200)
})
