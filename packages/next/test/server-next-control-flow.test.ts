import { DynamicServerError } from 'next/dist/client/components/hooks-server-context.js'
import { notFound, redirect } from 'next/navigation.js'
import { describe, expect, it } from 'vitest'
import { noParams, post, setup } from './server-helpers.js'

/** What a Next.js control-flow function throws, caught so the test can compare it with what the wrapper throws. */
function thrownBy(fn: () => unknown): Error & { digest: string } {
  try {
    fn()
  } catch (error) {
    return error as Error & { digest: string }
  }
  throw new Error('did not throw')
}

// Next's redirect(), notFound() and its dynamic-usage signal are errors Next must receive itself:
// a route answering 500 for them breaks the redirect, and logging them prints an error at every
// Next 14 build (it prerenders GET route handlers, and headers() in identify throws
// DYNAMIC_SERVER_USAGE there).
describe("route wrappers let Next's control-flow errors through", () => {
  it('withRateLimit: redirect() and notFound() in the handler reach Next, nothing reported', async () => {
    const t = setup()
    const toLogin = thrownBy(() => redirect('/login'))
    const GET = t.metered.withRateLimit({}, () => redirect('/login'))
    await expect(GET(post({}, { user: 'u1' }), noParams)).rejects.toMatchObject({ digest: toLogin.digest })
    const missing = thrownBy(() => notFound())
    const GET404 = t.metered.withRateLimit({}, () => notFound())
    await expect(GET404(post({}, { user: 'u1' }), noParams)).rejects.toMatchObject({ digest: missing.digest })
    expect(t.errors).toEqual([])
  })

  it('withRateLimit and withCredits: identify reading headers() during a prerender reaches Next, nothing reported', async () => {
    const dynamic = new DynamicServerError(
      "Route /api/status couldn't be rendered statically because it used `headers`.",
    )
    const t = setup({
      identify: () => {
        throw dynamic
      },
    })
    const GET = t.metered.withRateLimit({}, () => Response.json({}))
    await expect(GET(post({}), noParams)).rejects.toBe(dynamic)
    const POST = t.metered.withCredits({ feature: 'image', price: 1 }, () => Response.json({}))
    await expect(POST(post({}), noParams)).rejects.toBe(dynamic)
    expect(t.errors).toEqual([])
  })

  it('withCredits: redirect() after the work is charged, notFound() is released; both reach Next', async () => {
    const t = setup()
    await t.grant('ivy', 5)
    const toDone = thrownBy(() => redirect('/done'))
    const POST = t.metered.withCredits({ feature: 'image', price: 1 }, () => redirect('/done'))
    await expect(POST(post({}, { user: 'ivy' }), noParams)).rejects.toMatchObject({ digest: toDone.digest })
    await t.flush()
    expect(await t.available('ivy')).toBe(4000)
    const missing = thrownBy(() => notFound())
    const POST404 = t.metered.withCredits({ feature: 'image', price: 1 }, () => notFound())
    await expect(POST404(post({}, { user: 'ivy' }), noParams)).rejects.toMatchObject({ digest: missing.digest })
    await t.flush()
    expect(await t.available('ivy')).toBe(4000)
    expect((await t.stores.ledger.balance('ivy')).held).toBe(0)
    expect(t.errors).toEqual([])
  })
})
