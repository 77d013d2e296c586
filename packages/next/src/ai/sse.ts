const encoder = new TextEncoder()

/** `data: <json>\n\n`. */
export function sseData(value: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(value)}\n\n`)
}

/** `event: <name>\ndata: <json>\n\n`. */
export function sseEvent(name: string, value: unknown): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(value)}\n\n`)
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Headers of a server-sent event stream that proxies must not buffer or transform. */
export function sseHeaders(extra?: HeadersInit): Headers {
  const headers = new Headers(extra)
  headers.set('Content-Type', 'text/event-stream; charset=utf-8')
  headers.set('Cache-Control', 'no-cache, no-transform')
  headers.set('X-Accel-Buffering', 'no')
  return headers
}
