// A throwaway Next app for e2e/dev-stripe-build.test.ts: the development checkout wired exactly as
// @metered/stripe's README shows it, built with a real `next build` and served by `next start`.
export default { poweredByHeader: false }
