import { pooledConformance } from './pooled-harness.js'

pooledConformance('vercel')
