/**
 * Input tokens of a prompt before the call. OpenAI models are counted with their own encoding
 * (`gpt-tokenizer`, o200k_base or cl100k_base by model); other models, whose tokenizers are not
 * published as JavaScript, by the character heuristic. The encodings are a few megabytes of
 * ranks: they are imported on the first count, so a bundle that never estimates (the edge
 * proxy, the React entry) never carries them.
 */

/**
 * Characters per input token for models without a tokenizer here. 3 is deliberately below the
 * ~4 of English text (JSON punctuation, code and other languages tokenize denser), so the hold
 * errs on the high side; settle charges the provider's real count.
 */
export const ESTIMATE_CHARS_PER_TOKEN = 3

export type Encoding = 'o200k_base' | 'cl100k_base'

type Counter = (text: string) => number

const O200K = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-|o1|o3|o4|gpt-oss|codex-|computer-use)/
const CL100K = /^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/

/** The encoding an OpenAI model tokenizes with, or null (not an OpenAI text model we know). */
export function encodingFor(model: string | null | undefined): Encoding | null {
  if (!model) return null
  const id = model.toLowerCase().replace(/^openai\//, '')
  if (O200K.test(id)) return 'o200k_base'
  if (CL100K.test(id)) return 'cl100k_base'
  return null
}

const loaded = new Map<Encoding, Promise<Counter | null>>()

/** The encoding's counter, imported once; null if the module cannot load (the heuristic counts then). */
function counterFor(encoding: Encoding): Promise<Counter | null> {
  let counter = loaded.get(encoding)
  if (!counter) {
    // Literal specifiers, so app bundlers and file tracing see the dependency.
    const module =
      encoding === 'o200k_base'
        ? import('gpt-tokenizer/encoding/o200k_base')
        : import('gpt-tokenizer/encoding/cl100k_base')
    counter = module.then(
      (m) => (text: string) => m.countTokens(text),
      () => null,
    )
    loaded.set(encoding, counter)
  }
  return counter
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * Tokens of each value (strings as they are, anything else as its JSON text, which counts the
 * keys and punctuation too, so it errs high) for `model`; null and undefined count 0.
 */
export async function countInputTokens(model: string | null | undefined, values: unknown[]): Promise<number> {
  const encoding = encodingFor(model)
  const count = encoding ? await counterFor(encoding) : null
  let total = 0
  for (const value of values) {
    if (value === undefined || value === null) continue
    const text = textOf(value)
    total += count ? count(text) : Math.ceil(text.length / ESTIMATE_CHARS_PER_TOKEN)
  }
  return total
}
