import { describe, expect, it } from 'vitest'
import { countInputTokens, encodingFor } from '../src/ai/count-tokens.js'
import { DEFAULT_MAX_OUTPUT_TOKENS, estimateChatCompletions, estimateResponses } from '../src/ai/index.js'

/**
 * Known token counts from OpenAI's tiktoken: "hello world" is [24912, 2375] in o200k_base;
 * "tiktoken is great!" is [83, 1609, 5963, 374, 2294, 0] in cl100k_base; the Spanish and Russian
 * line below is 9 tokens in o200k_base and 13 in cl100k_base, so a wrong encoding shows.
 */
const MIXED = 'Hola, ¿cómo estás? Привет мир'

describe('input tokens', () => {
  it('OpenAI models are counted with their encoding', async () => {
    expect(await countInputTokens('gpt-4.1-nano', ['hello world'])).toBe(2)
    expect(await countInputTokens('gpt-4', ['tiktoken is great!'])).toBe(6)
    expect(await countInputTokens('gpt-5.2', [MIXED])).toBe(9)
    expect(await countInputTokens('gpt-3.5-turbo', [MIXED])).toBe(13)
    expect(await countInputTokens('openai/gpt-4o-mini', [MIXED])).toBe(9)
    expect(await countInputTokens('o3-mini', ['hello world', null, undefined, 'hello world'])).toBe(4)
  })

  it('picks o200k_base for the 4o, 4.1, 5 and o-series, cl100k_base for gpt-4 and 3.5, none elsewhere', () => {
    for (const m of ['gpt-4o', 'gpt-4.1-2025-04-14', 'gpt-5.2-chat-latest', 'o1', 'o4-mini', 'OpenAI/GPT-4.1']) {
      expect(encodingFor(m)).toBe('o200k_base')
    }
    for (const m of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo-0125']) expect(encodingFor(m)).toBe('cl100k_base')
    for (const m of ['claude-sonnet-4-5', 'gemini-2.5-flash', 'grok-4', 'my-finetune', null, undefined, '']) {
      expect(encodingFor(m)).toBeNull()
    }
  })

  it('models without a tokenizer here fall back to ceil(chars / 3)', async () => {
    expect(await countInputTokens('claude-sonnet-4-5', [MIXED])).toBe(Math.ceil(MIXED.length / 3))
    expect(await countInputTokens(null, [{ a: 1 }])).toBe(Math.ceil('{"a":1}'.length / 3))
  })
})

describe('estimates', () => {
  it('Responses: input, instructions and tools counted by the tokenizer, plus max output', async () => {
    const input = [{ role: 'user', content: 'Hello there' }]
    const tools = [{ type: 'web_search' }]
    const usage = await estimateResponses({ model: 'gpt-4.1-nano', input, instructions: 'Be brief.', tools })
    const expected = await countInputTokens('gpt-4.1-nano', [input, 'Be brief.', tools])
    expect(usage).toEqual({ model: 'gpt-4.1-nano', inputTokens: expected, outputTokens: DEFAULT_MAX_OUTPUT_TOKENS })
    // the JSON text of the message counts its punctuation too: more than the content alone, never less
    expect(usage.inputTokens).toBeGreaterThan(await countInputTokens('gpt-4.1-nano', ['Hello there', 'Be brief.']))
    expect(await estimateResponses({ input: 'hello world', max_output_tokens: 100 }, { model: 'gpt-4.1' })).toEqual({
      model: 'gpt-4.1',
      inputTokens: 2,
      outputTokens: 100,
    })
    expect((await estimateResponses({ input: 'hi' }, { maxOutputTokens: 512 })).outputTokens).toBe(512)
  })

  it('Chat Completions: messages and tools, max_completion_tokens or max_tokens, times n', async () => {
    const messages = [{ role: 'user', content: 'x'.repeat(30) }]
    const usage = await estimateChatCompletions({ model: 'claude-haiku-4-5', messages, max_tokens: 50, n: 3 })
    expect(usage).toEqual({
      model: 'claude-haiku-4-5',
      inputTokens: Math.ceil(JSON.stringify(messages).length / 3),
      outputTokens: 150,
    })
    const counted = await estimateChatCompletions({ model: 'gpt-4o-mini', messages: 'hello world', max_tokens: 7 })
    expect(counted).toEqual({ model: 'gpt-4o-mini', inputTokens: 2, outputTokens: 7 })
    const capped = await estimateChatCompletions({ messages, max_completion_tokens: 10, max_tokens: 50 })
    expect(capped.outputTokens).toBe(10)
  })
})
