import type { Application } from 'typedoc'

/** Registers the check with a TypeDoc application. */
export function load(app: Application): void
