export { createAdminRoutes } from './admin-routes.js'
export { createCreditRoutes } from './credit-routes.js'
export { createProfileRoutes } from './profile-routes.js'
export type { CatchAllContext, CatchAllHandler, CatchAllHandlers, RouteFactoryOptions, RoutesDeps } from './types.js'
