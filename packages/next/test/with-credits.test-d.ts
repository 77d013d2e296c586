import type { MeteredUsage, Ticket } from '@metered/core'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { estimateResponses } from '../src/ai/index.js'
import type { CreditsContext, createMeteredNext, RouteContext, RouteHandler } from '../src/index.js'
import type { Identity as NextIdentity } from '../src/server/identify.js'

declare const metered: ReturnType<typeof createMeteredNext>

describe('withCredits types', () => {
  it('infers params from an explicit type argument and returns a route handler', () => {
    const GET = metered.withCredits<{ id: string }>({ feature: 'image', price: 1 }, async (_req, ctx) => {
      expectTypeOf(ctx.params).toEqualTypeOf<{ id: string }>()
      expectTypeOf(ctx.body).toBeUnknown()
      return Response.json({ id: ctx.params.id })
    })
    expectTypeOf(GET).toEqualTypeOf<RouteHandler<{ id: string }>>()
    // required: Next 15's generated route check refuses a context that may be undefined
    expectTypeOf(GET).parameter(1).toEqualTypeOf<RouteContext<{ id: string }>>()
    expectTypeOf(GET).returns.toEqualTypeOf<Promise<Response>>()
  })

  it('infers params from the route handler type it is assigned to', () => {
    const POST: (req: Request, ctx: { params: Promise<{ slug: string[] }> }) => Promise<Response> = metered.withCredits(
      { feature: 'image', price: 1 },
      (_req, ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<{ slug: string[] }>()
        return new Response(ctx.params.slug.join('/'))
      },
    )
    expectTypeOf(POST).toBeFunction()
  })

  it('keeps schema inference when the params are typed through the export instead', () => {
    // withCredits<{ id: string }>({ schema }) would fix S to its default (no partial inference)
    const schema = z.object({ prompt: z.string() })
    const POST: RouteHandler<{ id: string }> = metered.withCredits(
      { feature: 'image', price: 1, schema },
      async (_req, ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<{ id: string }>()
        expectTypeOf(ctx.body).toEqualTypeOf<{ prompt: string }>()
        return Response.json({ id: ctx.params.id, prompt: ctx.body.prompt })
      },
    )
    expectTypeOf(POST).parameter(1).toEqualTypeOf<RouteContext<{ id: string }>>()
  })

  it('types ctx.body from the schema and ctx fields', () => {
    const schema = z.object({ prompt: z.string(), n: z.number().optional() })
    metered.withCredits({ feature: 'image', price: 1, schema }, (_req, ctx) => {
      expectTypeOf(ctx.body).toEqualTypeOf<{ prompt: string; n?: number | undefined }>()
      expectTypeOf(ctx.account).toBeString()
      expectTypeOf(ctx.user).toEqualTypeOf<NextIdentity>()
      expectTypeOf(ctx.ticket).toEqualTypeOf<Ticket>()
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>()
      expectTypeOf(ctx.estimate).toEqualTypeOf<number | MeteredUsage>()
      expectTypeOf(ctx.charge)
        .parameter(0)
        .toEqualTypeOf<number | { credits: number } | { units: number } | { usage: MeteredUsage }>()
      expectTypeOf(ctx).toMatchTypeOf<
        CreditsContext<Record<string, string | string[] | undefined>, { prompt: string; n?: number | undefined }>
      >()
      return Response.json({})
    })
  })

  it('gives the estimate function the typed body', () => {
    const schema = z.object({ model: z.string(), input: z.string() })
    metered.withCredits(
      {
        feature: 'generate',
        schema,
        estimate: (_req, { body, user }) => {
          expectTypeOf(body).toEqualTypeOf<{ model: string; input: string }>()
          expectTypeOf(user).toEqualTypeOf<NextIdentity>()
          return estimateResponses(body)
        },
      },
      () => new Response(),
    )
  })

  it('requires exactly one of price and estimate, and a Response from the handler', () => {
    // @ts-expect-error neither price nor estimate
    metered.withCredits({ feature: 'x' }, () => new Response())
    // @ts-expect-error both
    metered.withCredits({ feature: 'x', price: 1, estimate: 2 }, () => new Response())
    // @ts-expect-error the handler must return a Response
    metered.withCredits({ feature: 'x', price: 1 }, () => 'text')
    // @ts-expect-error unknown abort policy
    metered.withCredits({ feature: 'x', price: 1, onAbort: 'refund' }, () => new Response())
  })

  it('identity shape', () => {
    expectTypeOf<NextIdentity>().toHaveProperty('id').toEqualTypeOf<string>()
    expectTypeOf<NextIdentity['role']>().toEqualTypeOf<'admin' | 'user' | undefined>()
  })
})
