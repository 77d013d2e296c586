import { createServer, type IncomingMessage, type Server } from 'node:http'

/** What the fake saw of each call, for assertions. */
export interface FakeCall {
  path: string
  authorization: string | undefined
  body: Record<string, unknown>
  /** The app closed the connection before the fake ended the stream (the user pressed Stop). */
  closedEarly?: boolean
}

/** The usage the fake reports for every Responses call: 120 input tokens (100 of them cached), 30 output. */
export const FAKE_USAGE = { input_tokens: 120, cached_tokens: 100, output_tokens: 30 }

export type FakeUsage = typeof FAKE_USAGE

export interface FakeOpenAIOptions {
  /** The streamed answer (or one per request), sent word by word. @default 'Hello from the fake OpenAI.' */
  reply?: string | ((body: Record<string, unknown>) => string)
  /** What `response.completed` reports for a request and its reply. @default FAKE_USAGE */
  usage?: (body: Record<string, unknown>, reply: string) => FakeUsage
}

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

export interface FakeOpenAIServer {
  /** The base URL to give the SDK (OPENAI_BASE_URL), ending in /v1. */
  url: string
  /** Every request, in order, unknown paths (answered 404) included. */
  calls: FakeCall[]
  close(): Promise<void>
}

/**
 * A loopback stand-in for the two OpenAI endpoints apps built on metered call, so the real
 * `openai` SDK path (OPENAI_API_KEY set, OPENAI_BASE_URL pointing here) runs end to end: a
 * streamed Responses call (`POST /v1/responses`) whose `response.completed` reports
 * `FAKE_USAGE`, and gpt-image-1 generations (`POST /v1/images/generations`). Used by the
 * starter's and the CLI's end-to-end tests.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const replyTo = (body: Record<string, unknown>) =>
    typeof options.reply === 'function' ? options.reply(body) : (options.reply ?? 'Hello from the fake OpenAI.')
  const usageOf = options.usage ?? (() => FAKE_USAGE)
  const calls: FakeCall[] = []
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req)
    const call: FakeCall = { path: req.url ?? '', authorization: req.headers.authorization, body }
    calls.push(call)
    if (req.url === '/v1/responses') {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const model = String(body.model)
      const response = { id: 'resp_fake', object: 'response', status: 'in_progress', model, output: [], usage: null }
      let sequence = 0
      const send = (type: string, data: Record<string, unknown>) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`)
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
      const reply = replyTo(body)
      const usage = usageOf(body, reply)
      for (const delta of reply.match(/\S+\s*/g) ?? []) {
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
              content: [{ type: 'output_text', text: reply }],
            },
          ],
          usage: {
            input_tokens: usage.input_tokens,
            input_tokens_details: { cached_tokens: usage.cached_tokens },
            output_tokens: usage.output_tokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: usage.input_tokens + usage.output_tokens,
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
