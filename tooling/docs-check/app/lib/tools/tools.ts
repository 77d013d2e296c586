// openai 4, which the starter installs, exports the tool type from here only (not as OpenAI.Responses.Tool)
import type { Tool } from 'openai/resources/responses/responses'

// the OpenAI Responses starter's lib/tools/tools.ts, as far as the docs use it
export type ToolsState = { webSearchEnabled: boolean }
export async function getTools(_toolsState: ToolsState): Promise<Tool[]> {
  return []
}
