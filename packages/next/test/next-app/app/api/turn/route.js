import { meteredRoute } from '../../metered-route.js'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'
export const { POST, GET } = meteredRoute()
