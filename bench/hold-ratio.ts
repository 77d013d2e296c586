// Hold / actual charge of the starter's chat turn (examples/starter): its default model, developer
// prompt, request and pricing, its `withCredits` estimate, the real `openai` SDK against the
// starter's loopback fake OpenAI, memory stores.
//
//   pnpm build && pnpm --filter @metered/bench hold-ratio
//   BENCH_TURNS=12 ... to change the length of the conversation
//   BENCH_HOLD=worst-case ... to hold the whole max_output_tokens on every turn (withCredits' `hold`)
//
// The fake bills the way OpenAI does: input = o200k tokens of the developer prompt and of every
// message plus 4 per message and 3 per request; output = o200k tokens of the answer it streams
// (concise answers, what the starter's prompt asks for: a full answer of about 240 tokens, a
// shorter one of about 110 and a two-line one, in turn). Each turn sends the whole conversation so far. The hold is read from the ledger while the answer streams; the
// charge is what the settle debited.

import { createMemoryStores, createMetered } from '@metered/core'
import { createMeteredNext } from '@metered/next'
import { meteredResponsesStream } from '@metered/next/ai'
import { startFakeOpenAI } from '@metered/tooling'
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base'
import OpenAI from 'openai'
import { type ChatMessage, turnRequest } from '../examples/starter/lib/chat-schema.js'
import { pricing, UNITS_PER_CREDIT } from '../examples/starter/lib/pricing.js'
import { estimateTurn, responsesRequest } from '../examples/starter/lib/turn.js'
import { check, writeResult } from './result.js'

/** Turns a route settles before its holds follow its answers (`WARM_UP` in @metered/next). */
const WARM_UP = 3
const TURNS = Number(process.env.BENCH_TURNS ?? 12)
const HOLD = process.env.BENCH_HOLD === 'worst-case' ? 'worst-case' : 'learned'

const QUESTIONS = [
  'What are three practical ways to cut the cost of calling an LLM API in production?',
  'How does prompt caching work, and when does it actually save money?',
  'Can you give me a short example of batching requests?',
  'What should I log to know which feature costs the most?',
]

const ANSWER = [
  'Here are three that usually pay off quickly:',
  '',
  '1. **Pick the smallest model that passes your evals.** Route easy requests (classification, extraction,',
  'short rewrites) to a nano or mini model and keep the large model for the hard cases. A simple router',
  'with a confidence threshold often cuts spend by half with no visible change in quality.',
  '',
  '2. **Send less context.** Trim the conversation history to the turns that matter, summarise older turns,',
  'and keep system prompts short. Input tokens are billed on every call, so a long prompt that repeats',
  'on each turn is the most common hidden cost. Put the stable part of the prompt first so that prompt',
  'caching can reuse it.',
  '',
  '3. **Cap and measure output.** Set `max_output_tokens` to what an answer really needs, ask for concise',
  'answers, and stream so users can stop early. Record input and output tokens per feature and per user:',
  'you cannot reduce what you do not measure, and the numbers usually point at one or two expensive paths.',
  '',
  'If you tell me more about your traffic (how many requests, which models, how long the prompts are),',
  'I can suggest which of these will matter most for you.',
].join('\n')

/** The answer to the n-th question (1-based): full, the first half, two lines, in turn. */
function answerTo(turn: number): string {
  const lines = ANSWER.split('\n')
  const kept = [lines.length, 8, 2][(turn - 1) % 3] as number
  return lines.slice(0, kept).join('\n')
}

function billedUsage(body: Record<string, unknown>, reply: string) {
  const messages = body.input as ChatMessage[]
  const input =
    countTokens(String(body.instructions ?? '')) + messages.reduce((sum, m) => sum + countTokens(m.content) + 4, 0) + 3
  return { input_tokens: input, cached_tokens: 0, output_tokens: countTokens(reply) }
}

async function main() {
  const turnOf = (body: Record<string, unknown>) => Math.ceil((body.input as unknown[]).length / 2)
  const fake = await startFakeOpenAI({ reply: (body) => answerTo(turnOf(body)), usage: billedUsage })
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL: fake.url, maxRetries: 0 })
  const stores = createMemoryStores()
  const metering = createMetered({
    ledger: stores.ledger,
    usage: stores.usage,
    pricing,
    unitsPerCredit: UNITS_PER_CREDIT,
  })
  const pending: Promise<unknown>[] = []
  const metered = createMeteredNext({
    metered: metering,
    identify: () => ({ id: 'bench-user' }),
    after: (task) => {
      pending.push(task)
    },
  })
  // The starter's route (app/api/turn_response/route.ts), with the real-OpenAI branch.
  const route = metered.withCredits(
    { feature: 'generate', schema: turnRequest, hold: HOLD, estimate: (_req, { body }) => estimateTurn(body) },
    async (_req, ctx) => {
      const events = await openai.responses.create(
        { ...responsesRequest(ctx.body, ctx.maxOutputTokens ?? undefined), stream: true },
        { signal: ctx.signal },
      )
      return meteredResponsesStream(events, ctx)
    },
  )
  await metering.ledger.grant({
    account: 'bench-user',
    amount: 1_000_000_000,
    source: 'bench',
    idempotencyKey: 'bench-grant',
  })

  const messages: ChatMessage[] = []
  const rows: { turn: number; prompt: number; answer: number; hold: number; charge: number }[] = []
  for (let turn = 1; turn <= TURNS; turn++) {
    messages.push({ role: 'user', content: QUESTIONS[(turn - 1) % QUESTIONS.length] as string })
    const before = await metering.ledger.balance('bench-user')
    const res = await route(
      new Request('http://bench.local/api/turn_response', { method: 'POST', body: JSON.stringify({ messages }) }),
      { params: Promise.resolve({}) },
    )
    if (res.status !== 200) throw new Error(`turn ${turn}: ${res.status} ${await res.text()}`)
    const hold = (await metering.ledger.balance('bench-user')).held
    await res.text()
    while (pending.length > 0) await Promise.all(pending.splice(0))
    const after = await metering.ledger.balance('bench-user')
    if (after.held !== 0) throw new Error(`turn ${turn}: the hold was not settled`)
    const call = fake.calls.at(-1)
    const billed = billedUsage(call?.body ?? {}, answerTo(turn))
    rows.push({
      turn,
      prompt: billed.input_tokens,
      answer: billed.output_tokens,
      hold,
      charge: before.available - after.available,
    })
    messages.push({ role: 'assistant', content: answerTo(turn) })
  }
  await fake.close()

  const credits = (units: number) => (units / UNITS_PER_CREDIT).toFixed(3)
  console.log(
    `starter turn: ${responsesRequest({ messages: [] }).model}, max_output_tokens ${responsesRequest({ messages: [] }).max_output_tokens}`,
  )
  console.log('turn  prompt tokens  answer tokens  hold (credits)  charge (credits)  hold / charge')
  for (const r of rows) {
    console.log(
      `${String(r.turn).padStart(4)}  ${String(r.prompt).padStart(13)}  ${String(r.answer).padStart(13)}  ${credits(r.hold).padStart(14)}  ${credits(r.charge).padStart(16)}  ${(r.hold / r.charge).toFixed(2).padStart(13)}`,
    )
  }
  const ratio = (from: number) => {
    const some = rows.slice(from)
    return (some.reduce((s, r) => s + r.hold, 0) / some.reduce((s, r) => s + r.charge, 0)).toFixed(2)
  }
  const ratios = rows.map((r) => r.hold / r.charge).sort((a, b) => a - b)
  for (const r of rows) check(r.charge > 0 && r.hold > 0, `turn ${r.turn}: hold ${r.hold}, charge ${r.charge}`)
  writeResult({
    hold: HOLD,
    turns: rows,
    all: Number(ratio(0)),
    afterWarmUp: Number(ratio(WARM_UP)),
    median: ratios[Math.floor(ratios.length / 2)],
    max: ratios.at(-1),
  })
  console.log(
    `hold ${HOLD}: Σ hold / Σ charge ${ratio(0)}x over all turns, ${ratio(WARM_UP)}x after the first ${WARM_UP}; per turn median ${ratios[Math.floor(ratios.length / 2)]?.toFixed(2)}x, max ${ratios.at(-1)?.toFixed(2)}x`,
  )
}

await main()
