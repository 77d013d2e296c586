import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_OUTPUT_TOKENS, estimateChatCompletions, estimateResponses } from '../src/ai/index.js'

describe('estimates', () => {
  it('Responses: ceil(JSON chars / 3) of input, instructions and tools, plus max output', () => {
    const input = [{ role: 'user', content: 'Hello there' }]
    const tools = [{ type: 'web_search' }]
    const usage = estimateResponses({ model: 'gpt-4.1-nano', input, instructions: 'Be brief.', tools })
    const expected =
      Math.ceil(JSON.stringify(input).length / 3) +
      Math.ceil('Be brief.'.length / 3) +
      Math.ceil(JSON.stringify(tools).length / 3)
    expect(usage).toEqual({ model: 'gpt-4.1-nano', inputTokens: expected, outputTokens: DEFAULT_MAX_OUTPUT_TOKENS })
    expect(estimateResponses({ input: 'hi', max_output_tokens: 100 }, { model: 'gpt-4.1' })).toEqual({
      model: 'gpt-4.1',
      inputTokens: 1,
      outputTokens: 100,
    })
    expect(estimateResponses({ input: 'hi' }, { maxOutputTokens: 512 }).outputTokens).toBe(512)
  })

  it('Chat Completions: messages and tools, max_completion_tokens or max_tokens, times n', () => {
    const messages = [{ role: 'user', content: 'x'.repeat(30) }]
    const usage = estimateChatCompletions({ model: 'gpt-4o-mini', messages, max_tokens: 50, n: 3 })
    expect(usage).toEqual({
      model: 'gpt-4o-mini',
      inputTokens: Math.ceil(JSON.stringify(messages).length / 3),
      outputTokens: 150,
    })
    expect(estimateChatCompletions({ messages, max_completion_tokens: 10, max_tokens: 50 }).outputTokens).toBe(10)
  })
})
