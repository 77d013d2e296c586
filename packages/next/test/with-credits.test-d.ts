import type { MeteredUsage, Ticket } from '@metered/core'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { z as z3 } from 'zod-v3'
import { estimateResponses } from '../src/ai/index.js'
import type { ActionResult, CreditsContext, createMeteredNext, RouteContext, RouteHandler } from '../src/index.js'
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

  it('types params and body together with a params schema, and asks Next for the raw params', () => {
    const GET = metered.withCredits(
      {
        feature: 'item',
        price: 1,
        params: z.object({ id: z.string().regex(/^\d+$/) }),
        schema: z.object({ note: z.string() }),
      },
      async (_req, ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<{ id: string }>()
        expectTypeOf(ctx.body).toEqualTypeOf<{ note: string }>()
        return Response.json({ id: ctx.params.id, note: ctx.body.note })
      },
    )
    expectTypeOf(GET).toEqualTypeOf<RouteHandler<{ id: string }>>()
    // a catch-all: Next passes string[]
    const ALL = metered.withCredits(
      { feature: 'item', price: 1, params: z.object({ slug: z.array(z.string()) }) },
      async (_req, ctx) => new Response(ctx.params.slug.join('/')),
    )
    expectTypeOf(ALL).parameter(1).toEqualTypeOf<RouteContext<{ slug: string[] }>>()
  })

  it('params schema output can differ from what Next passes (coercion)', () => {
    const GET = metered.withCredits(
      { feature: 'item', price: 1, params: z.object({ id: z.string().transform(Number) }) },
      async (_req, ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<{ id: number }>()
        return Response.json({ id: ctx.params.id })
      },
    )
    expectTypeOf(GET).toEqualTypeOf<RouteHandler<{ id: string }>>()
  })

  it('infers the body from a zod 3 schema (Standard Schema)', () => {
    metered.withCredits({ feature: 'image', price: 1, schema: z3.object({ prompt: z3.string() }) }, (_req, ctx) => {
      expectTypeOf(ctx.body).toEqualTypeOf<{ prompt: string }>()
      return Response.json({})
    })
  })

  it('types a Server Action: its input from the schema, its result as data or a refusal', () => {
    const action = metered.withCreditsAction(
      { feature: 'summary', price: 1, schema: z.object({ text: z.string(), n: z.coerce.number() }) },
      async (input, ctx) => {
        expectTypeOf(input).toEqualTypeOf<{ text: string; n: number }>()
        expectTypeOf(ctx.account).toBeString()
        return { summary: input.text }
      },
    )
    expectTypeOf(action).parameter(0).toEqualTypeOf<{ text: string; n: unknown } | FormData>()
    expectTypeOf(action).returns.toEqualTypeOf<Promise<ActionResult<{ summary: string }>>>()
    const handle = (r: ActionResult<{ summary: string }>) => {
      if (r.ok) return r.data.summary
      if (r.reason === 'insufficient_credits') return `${r.available} < ${r.required}, buy at ${r.buyUrl}`
      if (r.reason === 'rate_limited') return `retry in ${r.retryAfter} ms`
      if (r.reason === 'invalid_input') return r.issues.map((i) => i.path).join()
      return r.reason
    }
    expectTypeOf(handle).returns.toBeString()
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
