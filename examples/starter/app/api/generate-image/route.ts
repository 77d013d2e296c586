import { fromImages } from '@metered/core'
import { imageRequest } from '@/lib/chat-schema'
import { demoImages } from '@/lib/demo-images'
import { IMAGE_MODEL } from '@/lib/env'
import { metered } from '@/lib/metered'
import { openaiClient } from '@/lib/openai'
import { topUpAfterSpending } from '@/lib/top-up'

export const runtime = 'nodejs'

/**
 * gpt-image-1, metered: the hold is the price of `n` images of the asked size and quality
 * (perImage, cost x 1.3); the charge is for the images actually returned. Then automatic top-up.
 */
export const POST = metered.withCredits(
  {
    feature: 'image',
    schema: imageRequest,
    estimate: (_req, { body }) => ({
      model: IMAGE_MODEL,
      images: { count: body.n, size: body.size, quality: body.quality },
    }),
  },
  async (_req, ctx) => {
    topUpAfterSpending(ctx.account)
    const { prompt, n, size, quality } = ctx.body
    const openai = openaiClient()
    if (!openai) {
      const images = demoImages(ctx.body)
      ctx.charge({ usage: fromImages({ data: images }, { model: IMAGE_MODEL, size, quality, n }) })
      return Response.json({ demo: true, images: images.map((src, i) => ({ id: `demo-${i}`, src })) })
    }
    const result = await openai.images.generate(
      { model: IMAGE_MODEL, prompt, n, size, quality },
      { signal: ctx.signal },
    )
    ctx.charge({ usage: fromImages(result, { model: IMAGE_MODEL, size, quality, n }) })
    const images = (result.data ?? []).map((d, i) => ({
      id: `image-${i}`,
      src: `data:image/png;base64,${d.b64_json ?? ''}`,
    }))
    return Response.json({ demo: false, images })
  },
)
