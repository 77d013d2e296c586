/** Types of generate.mjs, for the tests that use it. */
export const outputPath: string
export const DATASET: { name: string; version: string; date: string }
export function exact(value: number): [number, number]
export function render(): string
