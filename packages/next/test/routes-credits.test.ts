import { creditRoutesSuite } from './routes-credits.suite.js'
import { memoryStores } from './routes-setup.js'

creditRoutesSuite(memoryStores)
