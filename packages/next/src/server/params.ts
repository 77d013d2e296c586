import { invalidInput } from './problem.js'
import { type InferInput, type InferOutput, type StandardSchemaLike, validate } from './schema.js'
import type { RouteParams } from './types.js'

/**
 * `withCredits({ params: schema })`: the route's params, validated and typed by a Standard Schema
 * (`z.object({ id: z.string() })`), so `ctx.params` and `ctx.body` are both inferred (a type
 * argument, `withCredits<{ id: string }>`, would turn off the inference of the body).
 */
export interface ParamsOption<PS> {
  /**
   * Validates the route's params (any Standard Schema); issues are a 400 whose paths start with
   * `params.`, before anything is read or written. `ctx.params` is the schema's output; the
   * handler's type asks Next for the schema's input (`[id]` is `{ id: string }`, `[...slug]`
   * `{ slug: string[] }`), which Next 16's build compares with the folder.
   * @example params: z.object({ id: z.string().regex(/^\d+$/) })
   */
  params?: PS
}

/** `ctx.params`: the schema's output with a params schema, else the type argument (or what the export is annotated with). */
export type ParamsOf<PS, P> = PS extends StandardSchemaLike ? InferOutput<PS> : P

/** The params the handler asks Next for: the schema's input with a params schema. */
export type RouteParamsOf<PS, P> = PS extends StandardSchemaLike
  ? InferInput<PS> extends RouteParams
    ? InferInput<PS>
    : RouteParams
  : P

/** The awaited params, validated when there is a schema: the params, or the 400 to answer. */
export async function resolveParams(
  schema: StandardSchemaLike | undefined,
  params: Promise<unknown> | unknown,
): Promise<{ ok: true; params: unknown } | { ok: false; response: Response }> {
  const raw = (await params) ?? {}
  if (!schema) return { ok: true, params: raw }
  const checked = await validate(schema, raw)
  if (checked.ok) return { ok: true, params: checked.value }
  return {
    ok: false,
    response: invalidInput(
      checked.issues.map((i) => {
        const path = String(i.path)
        return { path: path === '' ? 'params' : `params.${path}`, message: i.message }
      }),
    ),
  }
}
