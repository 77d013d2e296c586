// A throwaway Next app for test/server-next-app.test.ts (METERED_NEXT_SMOKE=1): the wrapped
// route handlers from the built dist, served by a real `next build && next start`.
export default {}
