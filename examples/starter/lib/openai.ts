import 'server-only'
import OpenAI from 'openai'

const cache = globalThis as typeof globalThis & { __starterOpenAI?: OpenAI }

/** The real OpenAI client when `OPENAI_API_KEY` is set (else the routes use the demo model). */
export function openaiClient(): OpenAI | null {
  if (!process.env.OPENAI_API_KEY) return null
  cache.__starterOpenAI ??= new OpenAI({ apiKey: process.env.OPENAI_API_KEY })
  return cache.__starterOpenAI
}

/** The starter's developer prompt. */
export const INSTRUCTIONS =
  'You are a helpful assistant in a demo app. Answer concisely; use web search only when the question needs fresh facts.'

/** Output tokens the hold is sized for: the worst case of one turn. */
export const MAX_OUTPUT_TOKENS = 1024
