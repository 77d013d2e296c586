export {
  type ChatCompletionChunkLike,
  type ChatCompletionsStreamOptions,
  meteredChatCompletionsStream,
} from './chat-completions-stream.js'
export {
  type ChatCompletionsRequestLike,
  DEFAULT_MAX_OUTPUT_TOKENS,
  ESTIMATE_CHARS_PER_TOKEN,
  type EstimateOptions,
  estimateChatCompletions,
  estimateResponses,
  type ResponsesRequestLike,
} from './estimate.js'
export {
  type CallOptionsLike,
  type LanguageModelLike,
  type MeteredMiddleware,
  type MeteredModelOptions,
  meteredMiddleware,
  meteredModel,
  type StreamPartLike,
} from './metered-model.js'
export { CHARS_PER_TOKEN } from './produced.js'
export { MeteredRefusalError } from './refusal-error.js'
export { meteredResponsesStream, type ResponsesEventLike, type ResponsesStreamOptions } from './responses-stream.js'
export type { MeterableContext, StreamHelperOptions } from './types.js'
