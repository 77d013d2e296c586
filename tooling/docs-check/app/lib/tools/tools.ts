import type OpenAI from 'openai'

// the OpenAI Responses starter's lib/tools/tools.ts, as far as the docs use it
export type ToolsState = { webSearchEnabled: boolean }
export async function getTools(_toolsState: ToolsState): Promise<OpenAI.Responses.Tool[]> {
  return []
}
