type HeadersModule = { headers?: () => Headers | Promise<Headers> }

/**
 * A Request carrying the headers of the Server Action being run, for `identify` and the client
 * IP: a Server Action gets no Request, but `headers()` from next/headers has the cookies,
 * `authorization` and the proxy headers of the POST that invoked it. Imported lazily (once per
 * wrapper) so the module loads without Next.
 */
export function createActionRequest(): () => Promise<Request> {
  let mod: Promise<HeadersModule> | null = null
  return async () => {
    mod ??= import('next/headers') as Promise<HeadersModule>
    const { headers } = await mod
    if (typeof headers !== 'function') throw new Error('next/headers has no headers(): not inside Next')
    const incoming = new Headers(await headers())
    // The URL is never fetched; identify functions read headers. The host keeps it recognisable in logs.
    const host = incoming.get('host') ?? 'localhost'
    return new Request(`http://${/^[\w.:[\]-]+$/.test(host) ? host : 'localhost'}/`, { headers: incoming })
  }
}

/**
 * A `<form action>` input as an object: one value per field, a repeated field as an array. Built
 * with `Object.fromEntries`, which defines every field as an own property, so a field named
 * `__proto__` is data like any other and cannot replace the object's prototype.
 */
export function formDataToObject(form: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const entries: Array<[string, FormDataEntryValue | FormDataEntryValue[]]> = []
  for (const key of new Set(form.keys())) {
    // Server Actions add their own `$ACTION_...` fields to forms: not the app's input.
    if (key.startsWith('$ACTION')) continue
    const values = form.getAll(key)
    entries.push([key, values.length === 1 ? (values[0] as FormDataEntryValue) : values])
  }
  return Object.fromEntries(entries)
}
