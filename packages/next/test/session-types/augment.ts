// The line an app writes once: the shipped augmentation, through the package's own exports.
import type {} from '@metered/next/next-auth'
