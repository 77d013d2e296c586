/** One parsed line of the starter's stream: `data: {"event": type, "data": event}`. */
export interface StarterEvent {
  event: string
  data: {
    delta?: string
    response?: { usage?: { input_tokens?: number; output_tokens?: number } | null } | null
    message?: string
  }
}

/** Reads a `text/event-stream` body, calling `onEvent` for every `data:` line as it arrives. */
export async function readStarterStream(body: ReadableStream<Uint8Array>, onEvent: (e: StarterEvent) => void) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const chunk = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      for (const line of chunk.split('\n')) {
        if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)) as StarterEvent)
      }
      end = buffer.indexOf('\n\n')
    }
  }
}
