import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Anthropic from '@anthropic-ai/sdk'
import { GoogleGenAI } from '@google/genai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromAnthropic, fromGoogle, perToken, rational } from '../src/index.js'

// The real SDKs against a loopback server that answers as the providers' APIs document: the
// readers get exactly the objects an app gets from `messages.create` / `models.generateContent`.
let server: Server
let baseUrl = ''
const seen: string[] = []

const anthropicMessage = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-4-5-20251101',
  content: [{ type: 'text', text: 'hi', citations: null }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  container: null,
  usage: {
    input_tokens: 1000,
    cache_read_input_tokens: 4000,
    cache_creation_input_tokens: 2000,
    cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 },
    output_tokens: 500,
    server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 },
    service_tier: 'standard',
  },
}

const googleResponse = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP', index: 0 }],
  modelVersion: 'gemini-2.5-pro',
  responseId: 'r1',
  usageMetadata: {
    promptTokenCount: 250_000,
    cachedContentTokenCount: 50_000,
    candidatesTokenCount: 800,
    thoughtsTokenCount: 1200,
    totalTokenCount: 252_000,
  },
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => {
      const body = req.url?.startsWith('/v1/messages') ? anthropicMessage : googleResponse
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const usd = perToken() // markup 1, 1 credit = $1: credits are the provider's USD

describe('fromAnthropic', () => {
  it('counts cache reads and writes into input, each at its own rate, and web searches as tool calls', async () => {
    const client = new Anthropic({ apiKey: 'test', baseURL: baseUrl, maxRetries: 0 })
    const message = await client.messages.create({
      model: 'claude-opus-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const usage = fromAnthropic(message)
    expect(usage).toEqual({
      model: 'claude-opus-4-5-20251101',
      inputTokens: 7000,
      cachedInputTokens: 4000,
      cacheWriteTokens: 2000,
      outputTokens: 500,
      toolCalls: { web_search: 2 },
    })
    // claude-opus-4-5 per 1M: input 5, cache read 0.5, cache write 6.25, output 25
    // 1000 x 5 + 4000 x 0.5 + 2000 x 6.25 + 500 x 25 = 32,000 per 1M -> $0.032
    expect(usd.price(usage)).toEqual(rational('0.032'))
    expect(seen).toContain('POST /v1/messages')
  })
})

describe('fromGoogle', () => {
  it('bills thinking as output and a long prompt at the long-context tier', async () => {
    const ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl } })
    const response = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' })
    const usage = fromGoogle(response, 'gemini-2.5-pro')
    expect(usage).toEqual({
      model: 'gemini-2.5-pro',
      inputTokens: 250_000,
      cachedInputTokens: 50_000,
      outputTokens: 2000,
    })
    // past 200,000 prompt tokens: input 2.5, cached 0.25, output 15 per 1M
    // 200,000 x 2.5 + 50,000 x 0.25 + 2000 x 15 = 542,500 per 1M -> $0.5425
    expect(usd.price(usage)).toEqual(rational('0.5425'))
    expect(fromGoogle(response).model).toBe('gemini-2.5-pro')
    expect(seen.some((s) => s.includes('gemini-2.5-pro:generateContent'))).toBe(true)
  })
})
