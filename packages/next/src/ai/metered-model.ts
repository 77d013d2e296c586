import { type AiSdkUsageLike, fromAiSdk, type Metered, type MeteredUsage, type Ticket } from '@metered/core'
import type { AbortPolicy } from '../server/types.js'
import { countInputTokens } from './count-tokens.js'
import { DEFAULT_MAX_OUTPUT_TOKENS } from './estimate.js'
import { CHARS_PER_TOKEN } from './produced.js'
import { MeteredRefusalError, refusalInCredits } from './refusal-error.js'

/**
 * The parts of an AI SDK language model (LanguageModelV3 / V4) this uses, structurally: `ai` is
 * an optional peer and is never imported at runtime.
 */
export interface LanguageModelLike {
  readonly specificationVersion: string
  readonly provider: string
  readonly modelId: string
  /** Generates a whole response. */
  doGenerate(options: CallOptionsLike): PromiseLike<GenerateResultLike>
  /** Streams a response. */
  doStream(options: CallOptionsLike): PromiseLike<StreamResultLike>
}

/** The call options this reads. */
export interface CallOptionsLike {
  prompt?: unknown
  tools?: unknown
  maxOutputTokens?: number | undefined
  abortSignal?: AbortSignal | undefined
}

export interface GenerateResultLike {
  usage: AiSdkUsageLike
  content?: ReadonlyArray<{ type: string; text?: string; input?: string }>
}

/** A stream part, structurally: text/reasoning/tool-input deltas, `finish` with usage, `error`. */
export interface StreamPartLike {
  type: string
  delta?: unknown
  usage?: AiSdkUsageLike
}

export interface StreamResultLike {
  stream: ReadableStream<StreamPartLike>
}

/** Options of `meteredModel` and `meteredMiddleware`. */
export interface MeteredModelOptions {
  /** The metering instance: `createMetered(...)`, or a `createMeteredNext(...)` instance. */
  metered: Metered | { metered: Metered }
  /** The account to charge (the signed-in user's id). */
  account: string
  /** The feature whose pricer prices the tokens. @example feature: 'chat' */
  feature: string
  /** The limiter key. @default the account; null skips rate limiting */
  limitKey?: string | null
  /** The signed-in user when the account is shared. Default: none. */
  userId?: string | null
  /** The caller's plan, for plan-dependent allowances. Default: none. */
  plan?: string | null
  /** The model name to price with. @default model.modelId */
  model?: string
  /** Output tokens to hold for when the call sets no `maxOutputTokens`. @default 4096 */
  maxOutputTokens?: number
  /**
   * A stream cancelled by its consumer: charge the prompt estimate plus ceil(streamed
   * characters / 4) output tokens, the whole hold, or nothing.
   * @default 'charge-produced'
   */
  onAbort?: AbortPolicy
  /**
   * Runs settling without delaying the stream's end (Next's `after`). Without it the stream's
   * last read waits for the settle (one store round trip), which also keeps a serverless function
   * alive until the money is booked.
   * @default none: settle inline
   */
  after?: (task: Promise<unknown>) => void
}

/** The middleware object, generic so the AI SDK's own result types flow through unchanged. */
export interface MeteredMiddleware {
  readonly specificationVersion: 'v3'
  /** Authorizes, runs `doGenerate`, and settles from the usage the provider reported. */
  wrapGenerate<R extends GenerateResultLike>(options: {
    doGenerate: () => PromiseLike<R>
    params: CallOptionsLike
    model: { modelId: string }
  }): Promise<R>
  /** Authorizes, runs `doStream`, and settles when the stream finishes, is aborted or fails. */
  wrapStream<R extends StreamResultLike>(options: {
    doStream: () => PromiseLike<R>
    params: CallOptionsLike
    model: { modelId: string }
  }): Promise<R>
}

/** Usage a provider actually reported; all-zero (or missing) usage means it reported none. */
function reported(usage: MeteredUsage): MeteredUsage | null {
  return usage.inputTokens || usage.outputTokens ? usage : null
}

/** Characters of generated text and tool input in a generate result. */
function outputChars(result: GenerateResultLike): number {
  let chars = 0
  for (const part of result.content ?? []) chars += (part.text?.length ?? 0) + (part.input?.length ?? 0)
  return chars
}

function meteredOf(value: MeteredModelOptions['metered']): Metered {
  return 'authorize' in value ? value : value.metered
}

function promptTokens(params: CallOptionsLike, model: string): Promise<number> {
  return countInputTokens(model, [params.prompt ?? '', params.tools])
}

/**
 * AI SDK middleware that meters every call: before it, a hold for the prompt (its JSON counted
 * with the model's tokenizer for OpenAI models, else ceil(chars / 3) tokens) plus `maxOutputTokens` (default 4096) at the model's price; after it, the usage the
 * provider reported; for a stream cancelled by its consumer, the prompt estimate plus the streamed
 * output (ceil(chars / 4) tokens) per `onAbort`; for a failure, released unless output was
 * produced. A refusal throws `MeteredRefusalError`.
 * @example
 * const model = wrapLanguageModel({ model: openai('gpt-4.1-nano'),
 *   middleware: meteredMiddleware({ metered, account: user.id, feature: 'chat' }) })
 */
export function meteredMiddleware(options: MeteredModelOptions): MeteredMiddleware {
  const metered = meteredOf(options.metered)
  const onAbort = options.onAbort ?? 'charge-produced'
  const book = (task: Promise<unknown>): Promise<unknown> => {
    if (!options.after) return task.catch(() => {})
    options.after(task.catch(() => {}))
    return Promise.resolve()
  }

  async function authorize(
    params: CallOptionsLike,
    modelId: string,
  ): Promise<{ ticket: Ticket; estimate: MeteredUsage }> {
    const model = options.model ?? modelId
    const estimate: MeteredUsage = {
      model,
      inputTokens: await promptTokens(params, model),
      outputTokens: params.maxOutputTokens ?? options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    }
    const result = await metered.authorize({
      account: options.account,
      feature: options.feature,
      estimate,
      ...(options.limitKey !== undefined ? { limitKey: options.limitKey } : {}),
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      ...(options.plan !== undefined ? { plan: options.plan } : {}),
    })
    if (result.ok) return { ticket: result.ticket, estimate }
    const { ok: _refused, ...refusal } = result
    throw new MeteredRefusalError(refusalInCredits(refusal, metered.credits.toCredits))
  }

  /** Authorizes, then calls the provider; a provider that throws gives the hold back. */
  async function run<R>(
    params: CallOptionsLike,
    model: { modelId: string },
    call: () => PromiseLike<R>,
  ): Promise<{ result: R; ticket: Ticket; estimate: MeteredUsage; modelName: string }> {
    const modelName = options.model ?? model.modelId
    const { ticket, estimate } = await authorize(params, model.modelId)
    try {
      return { result: await call(), ticket, estimate, modelName }
    } catch (error) {
      await book(ticket.cancel({ status: params.abortSignal?.aborted ? 'aborted' : 'error' }))
      throw error
    }
  }

  return {
    specificationVersion: 'v3',
    async wrapGenerate<R extends GenerateResultLike>({
      doGenerate,
      params,
      model,
    }: {
      doGenerate: () => PromiseLike<R>
      params: CallOptionsLike
      model: { modelId: string }
    }): Promise<R> {
      const { result, ticket, estimate, modelName } = await run(params, model, doGenerate)
      // A provider that reports no usage is charged the prompt estimate plus the output counted,
      // never nothing.
      const usage = reported(fromAiSdk(result.usage, modelName)) ?? {
        model: modelName,
        inputTokens: estimate.inputTokens ?? 0,
        outputTokens: Math.ceil(outputChars(result) / CHARS_PER_TOKEN),
      }
      await book(ticket.settle({ usage }))
      return result
    },

    async wrapStream<R extends StreamResultLike>({
      doStream,
      params,
      model,
    }: {
      doStream: () => PromiseLike<R>
      params: CallOptionsLike
      model: { modelId: string }
    }): Promise<R> {
      const { result, ticket, estimate, modelName } = await run(params, model, doStream)

      let chars = 0
      let usage: MeteredUsage | null = null
      let failed = false
      let started = false
      let settled: Promise<unknown> | null = null
      const produced = (): MeteredUsage => ({
        model: modelName,
        inputTokens: estimate.inputTokens ?? 0,
        outputTokens: Math.ceil(chars / CHARS_PER_TOKEN),
      })
      const finish = (outcome: 'ok' | 'error' | 'aborted'): Promise<unknown> => {
        settled ??= book(
          (() => {
            if (usage) return ticket.settle({ usage, status: outcome })
            if (outcome === 'aborted' && onAbort === 'release') return ticket.cancel({ status: 'aborted' })
            if (outcome === 'aborted' && onAbort === 'charge-hold') {
              return ticket.settle({ units: ticket.amount, usage: estimate, status: 'aborted' })
            }
            // A consumer that leaves once the provider's stream started pays the prompt too.
            if (chars > 0 || (outcome === 'aborted' && started)) {
              return ticket.settle({ usage: produced(), status: outcome })
            }
            return ticket.cancel({ status: outcome })
          })(),
        )
        return settled
      }

      const reader = result.stream.getReader()
      const stream = new ReadableStream<StreamPartLike>({
        async pull(controller) {
          let next: ReadableStreamReadResult<StreamPartLike>
          try {
            next = await reader.read()
          } catch (error) {
            await finish(params.abortSignal?.aborted ? 'aborted' : 'error')
            controller.error(error)
            return
          }
          if (next.done) {
            await finish(failed ? 'error' : 'ok')
            controller.close()
            return
          }
          const part = next.value
          started = true
          if (typeof part.delta === 'string' && part.type.endsWith('-delta')) chars += part.delta.length
          else if (part.type === 'finish' && part.usage) usage = reported(fromAiSdk(part.usage, modelName))
          else if (part.type === 'error') failed = true
          controller.enqueue(part)
        },
        async cancel(reason) {
          await finish('aborted')
          await reader.cancel(reason).catch(() => {})
        },
      })
      return { ...result, stream } as R
    },
  }
}

/**
 * A metered AI SDK model: `model` with `meteredMiddleware(options)` applied, without importing
 * `ai` (the wrapper delegates to the model's own `doGenerate`/`doStream`). Same as
 * `wrapLanguageModel({ model, middleware: meteredMiddleware(options) })`.
 * @example
 * const result = streamText({ model: meteredModel(openai('gpt-4.1-nano'), { metered, account: user.id, feature: 'chat' }), prompt })
 */
export function meteredModel<M extends LanguageModelLike>(model: M, options: MeteredModelOptions): M {
  const middleware = meteredMiddleware(options)
  const wrapped = Object.create(model) as M & Record<string, unknown>
  // Own properties shadow the prototype's methods; everything else (provider, modelId,
  // supportedUrls getters) is read from the original model.
  Object.defineProperty(wrapped, 'doGenerate', {
    value: (params: CallOptionsLike) =>
      middleware.wrapGenerate({ doGenerate: () => model.doGenerate(params), params, model }),
  })
  Object.defineProperty(wrapped, 'doStream', {
    value: (params: CallOptionsLike) =>
      middleware.wrapStream({ doStream: () => model.doStream(params), params, model }),
  })
  return wrapped
}
