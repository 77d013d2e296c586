import { z } from 'zod'

/** One turn of the conversation as the chat page sends it. System/developer turns are the server's. */
export const chatMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(20_000),
})
export type ChatMessage = z.infer<typeof chatMessage>

/** Hosted tools the client may switch on; what each one is, is decided on the server. */
export const TOOL_NAMES = ['web_search'] as const

export const turnRequest = z.object({
  messages: z.array(chatMessage).min(1).max(100),
  tools: z.array(z.enum(TOOL_NAMES)).max(TOOL_NAMES.length).optional(),
})
export type TurnRequest = z.infer<typeof turnRequest>

export const imageRequest = z.object({
  prompt: z.string().trim().min(1).max(4000),
  n: z.number().int().min(1).max(4).default(1),
  size: z.enum(['1024x1024', '1024x1536', '1536x1024']).default('1024x1024'),
  quality: z.enum(['low', 'medium', 'high']).default('low'),
})
export type ImageRequest = z.infer<typeof imageRequest>
