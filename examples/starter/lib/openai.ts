import 'server-only'
import OpenAI from 'openai'

const cache = globalThis as typeof globalThis & { __starterOpenAI?: OpenAI }

/** The real OpenAI client when `OPENAI_API_KEY` is set (else the routes use the demo model). */
export function openaiClient(): OpenAI | null {
  if (!process.env.OPENAI_API_KEY) return null
  cache.__starterOpenAI ??= new OpenAI({ apiKey: process.env.OPENAI_API_KEY })
  return cache.__starterOpenAI
}

export { INSTRUCTIONS, MAX_OUTPUT_TOKENS } from './turn'
