import { metered } from '@/lib/metered'

// GET /api/profile, /api/profile/logins, /api/profile/usage
export const { GET, POST } = metered.profileRoutes()
