// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { metered } from '@/lib/metered'

// GET /api/profile, /api/profile/logins, /api/profile/usage (double brackets: /api/profile itself is a route)
export const { GET, POST } = metered.profileRoutes()
