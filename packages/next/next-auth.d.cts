// The `require` side of @metered/next/next-auth: the same augmentation (next-auth.d.ts).
/// <reference path="./next-auth.d.ts" />
export {}
