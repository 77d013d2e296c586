import { adminRoutesSuite } from './routes-admin.suite.js'
import { memoryStores } from './routes-setup.js'

adminRoutesSuite(memoryStores)
