import { z } from 'zod';
import { slackChannel, slackUserGroup } from './slackIds';

/** The alert sources of the interface contract, by the EventBridge events that feed the queue. */
export const ALERT_SOURCES = ['guardduty', 's3-public', 'root-login', 'securityhub'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/** Alert severities, lowest first (routes compare with `minSeverity`). */
export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');

/** One route: alerts matching every field given go to `channel`. */
export const alertRouteSchema = z
  .object({
    channel: slackChannel,
    sources: z.array(z.enum(ALERT_SOURCES)).min(1).optional(),
    minSeverity: z.enum(ALERT_SEVERITIES).optional(),
    accounts: z.array(accountId).min(1).optional(),
    regions: z.array(region).min(1).optional(),
  })
  .strict();

export const alertsConfigSchema = z
  .object({
    /** Where an alert goes when no route matches; without it (and without a match) the alert is logged, not posted. */
    defaultChannel: slackChannel.optional(),
    /** First match wins. */
    routes: z.array(alertRouteSchema).default([]),
    escalation: z
      .object({
        /** Unacknowledged this long: a thread reply mentions `mention`. */
        afterMinutes: z.number().positive().max(7 * 24 * 60).default(30),
        /** The user group to mention; without it there is no escalation. */
        mention: slackUserGroup.optional(),
        /** How many times escalation repeats (every `afterMinutes`) after the first one. */
        repeat: z.number().int().min(0).max(20).default(2),
      })
      .strict()
      .prefault({}),
    /** Reflect acknowledge/resolve in AWS: Security Hub workflow status, GuardDuty ArchiveFindings on resolve. */
    reflectInAws: z.boolean().default(false),
    /** New cards waiting for one channel beyond this many are grouped into digest cards per account and finding type. */
    digestAfter: z.number().int().min(1).max(1000).default(10),
    /** Messages per second per channel (Slack allows about one). */
    postsPerSecond: z.number().positive().max(5).default(1),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type AlertRoute = z.infer<typeof alertRouteSchema>;
