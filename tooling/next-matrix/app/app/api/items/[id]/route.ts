// A dynamic segment with typed params: through the export's type (which keeps the schema's
// inference of ctx.body) and through the wrapper's type argument.
import type { RouteHandler } from '@metered/next'
import { z } from 'zod'
import { metered } from '@/lib/metered'

const schema = z.object({ note: z.string() })

export const POST: RouteHandler<{ id: string }> = metered.withCredits(
  { feature: 'item', price: 1, schema },
  async (_req, ctx) => {
    const id: string = ctx.params.id
    const note: string = ctx.body.note
    return Response.json({ id, note })
  },
)

export const GET = metered.withRateLimit<{ id: string }>({}, async (_req, ctx) => {
  const id: string = ctx.params.id
  return Response.json({ id })
})
