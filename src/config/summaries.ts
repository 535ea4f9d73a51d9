import { validateDetailed } from 'node-cron';
import { z } from 'zod';
import { slackChannel } from './slackIds';

/** A node-cron expression (5 fields, or 6 with seconds first). */
const cronExpression = z.string().superRefine((value, ctx) => {
  const fields = value.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) {
    ctx.addIssue({ code: 'custom', message: `"${value}" has ${fields} field(s): a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)` });
    return;
  }
  const checked = validateDetailed(value);
  if (!checked.valid) ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid cron expression: ${checked.errors.map((e) => e.message).join('; ')}` });
});

/** An IANA time zone name the runtime knows, e.g. Europe/Berlin. */
const timezone = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Berlin or UTC' },
);

/** One periodic posture summary: where, when (node-cron syntax in `timezone`), and of which account. */
export const summaryScheduleSchema = z
  .object({
    channel: slackChannel,
    cron: cronExpression,
    timezone: timezone.default('UTC'),
    /** The account summarised (its id or alias under `accounts`); the bot's own when absent. */
    account: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be an account id or an alias from accounts').optional(),
  })
  .strict();

export const summariesSchema = z.array(summaryScheduleSchema).default([]);

/** How long scan history is kept; long enough for a yearly review by default. */
export const historySettingsSchema = z
  .object({
    retentionDays: z.number().int().min(1).max(3650).default(400),
  })
  .strict();

export type SummarySchedule = z.infer<typeof summaryScheduleSchema>;
