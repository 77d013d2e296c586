/**
 * The Standard Schema v1 interface (standardschema.dev), structurally: zod 3.24+/4, valibot and
 * arktype schemas all fit, and none of them is imported.
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    /** Validates a value: the output, or the issues. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined
  }
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
      }>
    }

/** The input type a schema accepts (what a client sends), unknown without one. */
export type InferInput<S> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly input: infer I }
    ? I
    : unknown
  : unknown

/** The output type of a schema. */
export type InferOutput<S> = S extends StandardSchemaLike<infer O> ? O : unknown

/** Validates with a Standard Schema; issues come back as `{ path, message }`. */
export async function validate<O>(
  schema: StandardSchemaLike<O>,
  value: unknown,
): Promise<{ ok: true; value: O } | { ok: false; issues: Array<{ path: string; message: string }> }> {
  const result = await schema['~standard'].validate(value)
  if (result.issues === undefined) return { ok: true, value: result.value }
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null ? String(p.key) : String(p))).join('.'),
      message: issue.message,
    })),
  }
}
