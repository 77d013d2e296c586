export { createProxy, type MeteredProxy, type ProxyMatcher, type ProxyOptions } from './create-proxy.js'
