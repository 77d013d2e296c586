import { createServer, type IncomingMessage, type Server } from 'node:http'

/** What the fake saw of each call, for assertions. */
export interface FakeCall {
  path: string
  authorization: string | undefined
  body: Record<string, unknown>
  /** The app closed the connection before the fake ended the stream (the user pressed Stop). */
  closedEarly?: boolean
}

/**
 * A loopback stand-in for the two OpenAI endpoints the app calls, so the real `openai` SDK path
 * (OPENAI_API_KEY set, OPENAI_BASE_URL pointing here) runs end to end: a streamed Responses call
 * whose `response.completed` reports usage with cached input tokens, and gpt-image-1 generations.
 */
export const FAKE_USAGE = { input_tokens: 120, cached_tokens: 100, output_tokens: 30 }

/**
 * A prompt the fake answers with a few words and then keeps the stream open without ever
 * completing it, until the app closes the connection: a turn that can only end by being stopped.
 */
export const ENDLESS_PROMPT = 'Tell me a story that never ends.'
export const ENDLESS_START = ['Once ', 'upon ', 'a ', 'time, ']

function lastInput(body: Record<string, unknown>): string {
  const input = body.input
  if (!Array.isArray(input)) return ''
  const last = input[input.length - 1] as { content?: unknown } | undefined
  return typeof last?.content === 'string' ? last.content : ''
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let raw = ''
    req.on('data', (d) => {
      raw += d
    })
    req.on('end', () => {
      try {
        resolve(raw ? (JSON.parse(raw) as Record<string, unknown>) : {})
      } catch (e) {
        reject(e)
      }
    })
  })
}

export async function startFakeOpenAI(): Promise<{ url: string; calls: FakeCall[]; close(): Promise<void> }> {
  const calls: FakeCall[] = []
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req)
    const call: FakeCall = { path: req.url ?? '', authorization: req.headers.authorization, body }
    calls.push(call)
    if (req.url === '/v1/responses') {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const model = String(body.model)
      const response = { id: 'resp_fake', object: 'response', status: 'in_progress', model, output: [], usage: null }
      const send = (type: string, data: Record<string, unknown>) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
      send('response.created', { response })
      if (lastInput(body) === ENDLESS_PROMPT) {
        for (const delta of ENDLESS_START) {
          send('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta })
        }
        res.once('close', () => {
          call.closedEarly = true
        })
        return
      }
      for (const delta of ['Hello ', 'from ', 'the ', 'fake ', 'OpenAI.']) {
        send('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta })
      }
      send('response.completed', {
        response: {
          ...response,
          status: 'completed',
          output: [
            {
              type: 'message',
              role: 'assistant',
              content: [{ type: 'output_text', text: 'Hello from the fake OpenAI.' }],
            },
          ],
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
      return
    }
    if (req.url === '/v1/images/generations') {
      const n = Number(body.n ?? 1)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          created: 0,
          data: Array.from({ length: n }, () => ({ b64_json: 'iVBORw0KGgo=' })),
          size: body.size,
          quality: body.quality,
        }),
      )
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { message: `no fake for ${req.url}` } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        // a stream held open by a failed test must not keep the server from closing
        server.closeAllConnections()
      }),
  }
}
