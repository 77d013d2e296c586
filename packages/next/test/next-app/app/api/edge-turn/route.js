import { meteredRoute } from '../../metered-route.js'

export const runtime = 'edge'
export const dynamic = 'force-dynamic'
export const { POST, GET } = meteredRoute()
