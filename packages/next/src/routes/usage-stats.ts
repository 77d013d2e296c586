import type { Metered } from '@metered/core'
import { jsonResponse, type UsageStatsBody, usageStatsBody } from '@metered/core/http'
import type { Problems } from '../server/problem.js'

/** Usage stats of one account as a response, amounts in credits; 404 when no usage store is configured. */
export async function usageResponse(
  metered: Metered,
  account: string,
  q: { from: number; to: number; bucket: 'hour' | 'day'; by?: 'feature' | undefined },
  problems: Problems,
): Promise<Response> {
  if (!metered.usage) return problems.notFound('Usage is not recorded: no usage store is configured.')
  const stats = await metered.usage.stats(account, {
    from: q.from,
    to: q.to,
    bucket: q.bucket,
    ...(q.by ? { by: q.by } : {}),
  })
  return jsonResponse<UsageStatsBody>(usageStatsBody(stats, metered.credits.toCredits, q))
}
