// Typed params that keep the schema's inference of the body: a params schema. The handler's type
// asks Next for { id: string } (the schema's input), which Next's build checks against [id].
import { z } from 'zod'
import { metered } from '@/lib/metered'

export const POST = metered.withCredits(
  {
    feature: 'item',
    price: 1,
    params: z.object({ id: z.string().regex(/^\d+$/).transform(Number) }),
    schema: z.object({ note: z.string() }),
  },
  async (_req, ctx) => {
    const id: number = ctx.params.id
    const note: string = ctx.body.note
    return Response.json({ id, next: id + 1, note })
  },
)
