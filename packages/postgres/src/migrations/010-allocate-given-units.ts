/**
 * Version 10: `_allocate` takes the unallocated units from its caller, which read them in the
 * statement that locked the account (`_open`, or reserve's fast path, which calls it only
 * when there are some), instead of reading the account row again. Its one-argument form goes;
 * then (see index.ts) every function is re-created.
 */
export const allocateGivenUnits = (s: string): string[] => [`DROP FUNCTION IF EXISTS ${s}._allocate(text)`]
