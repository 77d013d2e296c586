// withCredits on a dynamic segment, with the params typed
import { metered } from '@/lib/metered'

export const POST = metered.withCredits<{ id: string }>({ feature: 'item', price: 1 }, async (_req, ctx) => {
  const id: string = ctx.params.id
  return Response.json({ id })
})
