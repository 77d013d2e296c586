import type { Metered } from '@metered/core'
import { notFound } from '../server/problem.js'
import { json } from './respond.js'
import { usageJson } from './serialize.js'

/** Usage stats of one account as a response, amounts in credits; 404 when no usage store is configured. */
export async function usageResponse(
  metered: Metered,
  account: string,
  q: { from: number; to: number; bucket: 'hour' | 'day'; by?: 'feature' | undefined },
): Promise<Response> {
  if (!metered.usage) return notFound('Usage is not recorded: no usage store is configured.')
  const stats = await metered.usage.stats(account, {
    from: q.from,
    to: q.to,
    bucket: q.bucket,
    ...(q.by ? { by: q.by } : {}),
  })
  return json({ from: q.from, to: q.to, bucket: q.bucket, ...usageJson(stats, metered.credits) })
}
