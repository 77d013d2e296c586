export { stripeCredits } from './credits'
