// withRateLimit: the limiter only, anonymous callers limited by IP
import { metered } from '@/lib/metered'

export const GET = metered.withRateLimit({ limit: 'ip', anonymous: 'ip' }, async (_req, ctx) =>
  Response.json({ ok: true, user: ctx.user.id }),
)
