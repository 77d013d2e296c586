import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'

/**
 * A loopback fake of the OpenAI API: `POST /v1/responses` and `POST /v1/chat/completions`
 * streaming real event shapes (SSE), so the official `openai` SDK can be pointed at it with
 * `baseURL`. What each request does is chosen by the test through `behave`.
 */
export interface Behaviour {
  /** Text deltas to stream. */
  deltas: string[]
  /** Usage reported at the end. */
  usage: { input: number; output: number; cached?: number }
  model?: string
  /** Milliseconds between events. @default 0 */
  delayMs?: number
  /** Answer with this HTTP status and an error body instead of a stream. */
  httpError?: number
  /** Destroy the connection after this many deltas (0: right after the headers). */
  dropAfter?: number
  /** Stop after the deltas and never finish (until the client goes away). */
  hang?: boolean
}

export interface FakeOpenAI {
  baseURL: string
  /** The official SDK pointed at this fake, without retries (a test sees each request once). */
  client(): OpenAI
  behave(b: Partial<Behaviour>): void
  /** Requests received (parsed JSON bodies). */
  requests: Array<{ path: string; body: Record<string, unknown> }>
  /** Resolves when the current request's connection closed, telling whether the client left early. */
  closed(): Promise<{ early: boolean }>
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function responseObject(model: string, status: string, usage: Behaviour['usage'] | null, text: string) {
  return {
    id: 'resp_fake_1',
    object: 'response',
    created_at: 1_760_000_000,
    status,
    model,
    output:
      status === 'completed'
        ? [
            {
              id: 'msg_1',
              type: 'message',
              status: 'completed',
              role: 'assistant',
              content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
            },
          ]
        : [],
    usage: usage
      ? {
          input_tokens: usage.input,
          input_tokens_details: { cached_tokens: usage.cached ?? 0 },
          output_tokens: usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: usage.input + usage.output,
        }
      : null,
  }
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  let behaviour: Behaviour = { deltas: ['Hello', ' world'], usage: { input: 1000, output: 500 } }
  const requests: FakeOpenAI['requests'] = []
  let lastClosed: Promise<{ early: boolean }> = Promise.resolve({ early: false })

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req)
    requests.push({ path: req.url ?? '', body })
    const b = behaviour
    const model = b.model ?? (body.model as string) ?? 'gpt-4.1-nano'
    let finished = false
    lastClosed = new Promise((resolve) => {
      res.on('close', () => resolve({ early: !finished }))
    })
    if (b.httpError) {
      res.writeHead(b.httpError, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'fake upstream failure sk-secret-123', type: 'server_error' } }))
      finished = true
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.flushHeaders()
    const alive = () => !res.destroyed && !res.writableEnded
    const send = async (event: string | null, data: unknown) => {
      if (!alive()) return
      res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`)
      if (b.delayMs) await sleep(b.delayMs)
    }
    if (b.dropAfter === 0) {
      res.destroy()
      return
    }
    const chat = req.url?.includes('/chat/completions')
    const chatChunk = (rest: object) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_760_000_000,
      model,
      ...rest,
    })
    let seq = 0
    if (!chat) {
      await send('response.created', {
        type: 'response.created',
        sequence_number: seq++,
        response: responseObject(model, 'in_progress', null, ''),
      })
    }
    let text = ''
    for (const [i, delta] of b.deltas.entries()) {
      if (b.dropAfter !== undefined && i >= b.dropAfter) {
        res.destroy()
        return
      }
      text += delta
      if (chat) {
        await send(null, chatChunk({ choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] }))
      } else {
        await send('response.output_text.delta', {
          type: 'response.output_text.delta',
          sequence_number: seq++,
          item_id: 'msg_1',
          output_index: 0,
          content_index: 0,
          delta,
          logprobs: [],
        })
      }
    }
    if (b.hang) {
      // keep the connection open until the client goes away
      await new Promise((resolve) => res.on('close', resolve))
      return
    }
    if (chat) {
      await send(null, chatChunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }))
      const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage
      if (wantsUsage) {
        await send(
          null,
          chatChunk({
            choices: [],
            usage: {
              prompt_tokens: b.usage.input,
              completion_tokens: b.usage.output,
              total_tokens: b.usage.input + b.usage.output,
              prompt_tokens_details: { cached_tokens: b.usage.cached ?? 0 },
            },
          }),
        )
      }
      if (alive()) res.write('data: [DONE]\n\n')
    } else {
      await send('response.output_text.done', {
        type: 'response.output_text.done',
        sequence_number: seq++,
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        text,
        logprobs: [],
      })
      await send('response.completed', {
        type: 'response.completed',
        sequence_number: seq++,
        response: responseObject(model, 'completed', b.usage, text),
      })
    }
    finished = true
    res.end()
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const baseURL = `http://127.0.0.1:${port}/v1`
  return {
    baseURL,
    client: () => new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 }),
    behave(b) {
      behaviour = { deltas: ['Hello', ' world'], usage: { input: 1000, output: 500 }, ...b }
    },
    requests,
    closed: () => lastClosed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Parses `data: ...\n\n` SSE text into the JSON payloads. */
export function parseSse(text: string): unknown[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((l) => l.startsWith('data: ')))
    .filter((l): l is string => l !== undefined)
    .map((l) => l.slice(6))
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d))
}
