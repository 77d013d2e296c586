import { profileRoutesSuite } from './routes-profile.suite.js'
import { memoryStores } from './routes-setup.js'

profileRoutesSuite(memoryStores)
