/**
 * `@metered/next/react`: credits, usage and rate-limit state for client components, fed by the
 * metered routes' responses (docs/http-api.md). A client module: tsup adds 'use client'.
 */
export {
  AutoTopUpSettings,
  type AutoTopUpSettingsProps,
} from './auto-top-up-settings.js'
export { BuyCreditsButton, type BuyCreditsButtonProps, type BuyCreditsButtonState } from './buy-credits-button.js'
export { type MeteredContextValue, useMeteredFetch, useMeteredState, useMeteredStore } from './context.js'
export { CreditDisplay, type CreditDisplayProps, type CreditDisplayState } from './credit-display.js'
export { CreditHistory, type CreditHistoryProps } from './credit-history.js'
export { CreditManagement, type CreditManagementProps } from './credit-management.js'
export { creditsLabel, type FormatCreditsOptions, formatCredits } from './format.js'
export { LowCreditsNotice, type LowCreditsNoticeProps, type LowCreditsNoticeState } from './low-credits-notice.js'
export {
  applyMeteredResponse,
  createMeteredFetch,
  type MeteredFetch,
  type MeteredFetchOptions,
} from './metered-fetch.js'
export { PlanPicker, type PlanPickerProps } from './plan-picker.js'
export { MeteredHttpError } from './problem.js'
export { MeteredProvider, type MeteredProviderProps } from './provider.js'
export { RateLimitNotice, type RateLimitNoticeProps, type RateLimitNoticeState } from './rate-limit-notice.js'
export { createMeteredStore, type MeteredState, type MeteredStore, type MeteredStoreOptions } from './store.js'
export type * from './types.js'
export { UsageChart, type UsageChartProps, type UsageMetric } from './usage-chart.js'
export { type UseCreditHistoryOptions, type UseCreditHistoryResult, useCreditHistory } from './use-credit-history.js'
export { type UseCreditsResult, useCredits } from './use-credits.js'
export { type UseUsageOptions, type UseUsageResult, useUsage } from './use-usage.js'
