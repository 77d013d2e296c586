/**
 * Issue paths of an estimate's usage or credits (core's pricers and `toUnits` name them so, and
 * `estimate` when it is neither) and of the hold it sizes (`amount`, past the safe-integer range).
 */
const ESTIMATE_PATHS =
  /^(?:amount|credits|estimate|inputTokens|cachedInputTokens|outputTokens|images\.count|toolCalls\..+)$/

/**
 * The issues of a `ValidationError` that `authorize` threw over an estimate's amounts, or null
 * for any other error. When the estimate was computed from the client's input
 * (`max_output_tokens: 1e21`), these are the client's mistake (400 / `invalid_input`); a static
 * estimate or any other validation failure is the server's.
 */
export function clientEstimateIssues(error: unknown): Array<{ path: string; message: string }> | null {
  if ((error as { code?: string } | null)?.code !== 'validation_error') return null
  const issues = (error as { issues?: unknown }).issues
  if (!Array.isArray(issues) || issues.length === 0) return null
  const ok = issues.every(
    (i) =>
      typeof i === 'object' &&
      i !== null &&
      typeof (i as { path?: unknown }).path === 'string' &&
      typeof (i as { message?: unknown }).message === 'string' &&
      ESTIMATE_PATHS.test((i as { path: string }).path),
  )
  return ok ? (issues as Array<{ path: string; message: string }>) : null
}
