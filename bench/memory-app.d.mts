// Types of memory-app.mjs for the TypeScript benches.
import type { createMemoryStores } from '@metered/core'
import type { MeteredNext } from '@metered/next'

export declare const USERS: number

export declare function memoryMeteredNext(packages?: { core: unknown; next: unknown }): Promise<{
  stores: ReturnType<typeof createMemoryStores>
  metered: MeteredNext
  pending: Promise<unknown>[]
}>

export declare function loadWrapperApp(
  root: string,
): Promise<{ core(i: number): Promise<void>; next(i: number): Promise<void>; bare(i: number): Promise<void> }>
