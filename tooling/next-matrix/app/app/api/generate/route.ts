// withCredits with a schema: ctx.body is inferred from it
import { z } from 'zod'
import { metered } from '@/lib/metered'

const schema = z.object({ prompt: z.string().min(1) })

export const POST = metered.withCredits({ feature: 'generate', price: 5, schema }, async (_req, ctx) => {
  const prompt: string = ctx.body.prompt
  return Response.json({ prompt, account: ctx.account })
})
