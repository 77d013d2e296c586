import { createServer, type Server } from 'node:http'

/** The usage the fake reports for every turn: 120 input tokens (100 of them cached), 30 output. */
export const FAKE_USAGE = { input_tokens: 120, cached_tokens: 100, output_tokens: 30 }

/**
 * A loopback stand-in for OpenAI's streamed Responses API (`POST /v1/responses`), so the real
 * `openai` SDK runs end to end with OPENAI_BASE_URL pointing here. Records each request body.
 */
export async function startFakeOpenAI(): Promise<{
  url: string
  bodies: Record<string, unknown>[]
  close(): Promise<void>
}> {
  const bodies: Record<string, unknown>[] = []
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => {
      raw += chunk
    })
    req.on('end', () => {
      if (req.url !== '/v1/responses') {
        res.writeHead(404).end()
        return
      }
      const body = JSON.parse(raw || '{}') as Record<string, unknown>
      bodies.push(body)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const response = { id: 'resp_fake', object: 'response', status: 'in_progress', model: body.model, output: [] }
      let sequence = 0
      const send = (type: string, data: Record<string, unknown>) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`)
      send('response.created', { response: { ...response, usage: null } })
      for (const delta of ['Hello ', 'from ', 'the ', 'fake.']) {
        send('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta })
      }
      send('response.completed', {
        response: {
          ...response,
          status: 'completed',
          usage: {
            input_tokens: FAKE_USAGE.input_tokens,
            input_tokens_details: { cached_tokens: FAKE_USAGE.cached_tokens },
            output_tokens: FAKE_USAGE.output_tokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: FAKE_USAGE.input_tokens + FAKE_USAGE.output_tokens,
          },
        },
      })
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
