// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { metered } from '@/lib/metered'

// GET /api/credits/balance and /history; admins: POST /api/credits/grant and /deduct
export const { GET, POST } = metered.creditRoutes()
