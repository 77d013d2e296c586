'use server'
// Metered Server Actions: serve.mjs invokes them over HTTP as the browser's action client does.
import { z } from 'zod'
import { metered } from '@/lib/metered'

export const summarize = metered.withCreditsAction(
  { feature: 'summary', price: 2, schema: z.object({ text: z.string().min(1) }) },
  async (input, ctx) => ({ summary: input.text.slice(0, 10), account: ctx.account }),
)

export const explode = metered.withCreditsAction({ feature: 'summary', price: 3 }, async (): Promise<string> => {
  throw new Error('the upstream call failed')
})
