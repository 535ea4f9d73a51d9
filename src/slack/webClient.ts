import type { webApi } from '@slack/bolt';
import type { SlackSettings } from './settings';

/** Bolt's own Web API client (Bolt depends on a newer major than the top-level package). */
export type WebClient = webApi.WebClient;

/**
 * Web API client settings. The library's defaults (10 retries over about half an hour, no
 * timeout) would hang shutdown and could post a message twice; rate-limited calls wait for
 * Retry-After and go again.
 */
export function webClientOptions(settings: Pick<SlackSettings, 'apiUrl'>): webApi.WebClientOptions {
  return {
    slackApiUrl: settings.apiUrl,
    // Method names are ours; never let one redirect the bot token to another host.
    allowAbsoluteUrls: false,
    timeout: 10_000,
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, maxRetryTime: 20_000 },
    rejectRateLimitedCalls: false,
  };
}
