import { metered } from '@/lib/metered'

// GET balance, history; admin: POST grant, deduct (docs/http-api.md)
export const { GET, POST } = metered.creditRoutes()
