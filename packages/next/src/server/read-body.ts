import type { Problems } from './problem.js'

/** 1 MB: far above any chat turn, far below what would hurt a serverless function. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576

// One decoder for every request: `decode` without `stream` keeps no state between calls.
const utf8 = new TextDecoder()

export type BodyResult = { ok: true; body: unknown } | { ok: false; response: Response }

/**
 * Reads a JSON body once, at most `maxBytes` (checked on `Content-Length` first, then counted
 * while reading, since the header can lie or be absent on chunked uploads). An empty body reads
 * as `undefined`. Malformed JSON -> 400, too large -> 413, both before anything is written.
 */
export async function readJsonBody(req: Request, maxBytes: number, problems: Problems): Promise<BodyResult> {
  const declared = req.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) {
    return { ok: false, response: problems.payloadTooLarge(maxBytes) }
  }
  if (!req.body) return { ok: true, body: undefined }
  // A declared length is enforced by the HTTP layer (a body cannot outgrow it), so the counted
  // read is only needed for chunked uploads.
  if (declared !== null) {
    const text = await req.text()
    // belt and braces for hand-built Requests: UTF-8 never has fewer bytes than UTF-16 code units
    if (text.length > maxBytes) return { ok: false, response: problems.payloadTooLarge(maxBytes) }
    return parseJson(text, problems)
  }
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      return { ok: false, response: problems.payloadTooLarge(maxBytes) }
    }
    chunks.push(value)
  }
  if (size === 0) return { ok: true, body: undefined }
  const bytes = chunks.length === 1 ? chunks[0]! : concat(chunks, size)
  return parseJson(utf8.decode(bytes), problems)
}

function parseJson(text: string, problems: Problems): BodyResult {
  if (text === '') return { ok: true, body: undefined }
  try {
    return { ok: true, body: JSON.parse(text) }
  } catch {
    return {
      ok: false,
      response: problems.invalidInput([{ path: '', message: 'Malformed JSON' }], 'The body is not valid JSON.'),
    }
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}
