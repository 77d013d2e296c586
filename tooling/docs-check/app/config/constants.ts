// the OpenAI Responses starter's config/constants.ts, as far as the docs use it
export const MODEL = 'gpt-4.1-nano'
export const getDeveloperPrompt = (): string => 'You are a helpful assistant.'
// the CLI fixture of the starter's shape names it as a constant
export const DEVELOPER_PROMPT = getDeveloperPrompt()
