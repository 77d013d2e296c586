/**
 * Whether a thrown error came from an upstream HTTP API (the `openai` SDK's `APIError` family and
 * similar: an HTTP `status`, or a connection/timeout error by name). Those are answered 502, the
 * rest 500; neither ever carries the error's message.
 */
export function isUpstreamError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { status, name } = error as { status?: unknown; name?: unknown }
  if (typeof status === 'number' && status >= 400 && status <= 599) return true
  return typeof name === 'string' && /^API(Connection|ConnectionTimeout|UserAbort)?Error$|^UpstreamError$/.test(name)
}
