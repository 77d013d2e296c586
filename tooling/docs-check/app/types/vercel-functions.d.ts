// A stand-in for @vercel/functions, which the deployment guide imports for Next 14's `waitUntil`;
// one function is all the docs use, so the check does not install the package. Its real signature.
declare module '@vercel/functions' {
  export function waitUntil(promise: Promise<unknown>): void
}
