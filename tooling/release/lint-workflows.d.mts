export function lintWorkflow(name: string, text: string): string[]
export function requirements(files: Record<string, unknown>): string[]
