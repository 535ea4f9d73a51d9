import { z } from 'zod';

/** Slack IDs, never names: names change hands, IDs do not. */
export const slackPrincipal = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user ID (U… or W…) or user group ID (S…), not a name');

export const slackUserGroup = z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group ID (S…), not a name');

export const slackChannel = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID (C… or G…), not a name');
