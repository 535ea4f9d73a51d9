import type { DecidedResult } from '../src/core/decisions';
import type { ScanReport } from '../src/engine/scan';
import type { SlackMessage } from '../src/slack/blocks';
import { closestMatches } from '../src/slack/blocks/format';
import { textMessage } from '../src/slack/blocks/kit';
import { userMention } from '../src/slack/blocks/results';
import type { CommandContext, SlashCommand } from '../src/slack/command';
import { exceptionListMessage, openExceptionModal } from '../src/slack/decisionModals';
import { codeSpan, truncate } from '../src/slack/mrkdwn';

const USAGE = '/ftr except [revoke] <check id> <resource>';

/** "Could not …" with a reason already in mrkdwn: check ids and resources stay copyable as code. */
function couldNot(what: string, reason: string): SlackMessage {
  return textMessage(`:warning: *Could not ${what}*\n${reason}`);
}

/**
 * The result of a check for a resource as typed: its exact identifier, or the one resource whose
 * ARN ends with it (`my-bucket` for `arn:aws:s3:::my-bucket`, as `/ftr check` pages show names).
 */
function resultFor(report: ScanReport, accountId: string, checkId: string, typed: string): DecidedResult | undefined {
  const ofCheck = report.results.filter((r) => r.accountId === accountId && r.checkId === checkId);
  const exact = ofCheck.find((r) => r.resource === typed);
  if (exact) return exact;
  const named = ofCheck.filter((r) => r.resource.endsWith(`:${typed}`) || r.resource.endsWith(`/${typed}`));
  return named.length === 1 ? named[0] : undefined;
}

async function revoke(ctx: CommandContext, accountId: string, checkId: string, resource: string): Promise<void> {
  const revoked = await ctx.services.decisions.revokeException(accountId, checkId, resource, ctx.userId);
  if (!revoked) {
    return ctx.conversation.ephemeral(textMessage(`:grey_question: ${codeSpan(checkId)} has no exception for ${codeSpan(truncate(resource, 500))} to revoke in account ${codeSpan(accountId)}.`));
  }
  await ctx.conversation.ephemeral(
    textMessage(
      `:wastebasket: Revoked the exception of ${codeSpan(checkId)} for ${codeSpan(truncate(resource, 500))} accepted by ${userMention(revoked.recordedBy)} on ${revoked.recordedAt.slice(0, 10)}. The finding counts as failing again; the audit trail keeps who revoked it and when.`,
    ),
  );
}

/**
 * `/ftr except [revoke] <check id> <resource>`: opens the modal that accepts one check's failure
 * on one resource (or revokes the exception); without arguments, lists the account's exceptions.
 */
export const except: SlashCommand = {
  name: 'except',
  usage: USAGE,
  summary: "Accept one check's failure on one resource with a reason, an owner and an expiry (at most 12 months); revoke it; or list the exceptions.",
  requires: 'except',
  async run(ctx) {
    const { scans, decisions, now, checks, client } = ctx.services;
    const accountId = await scans.accountId();
    if (!ctx.args) {
      const { exceptions } = await decisions.decisions(accountId);
      return ctx.conversation.ephemeral(exceptionListMessage({ accountId, exceptions, now: now() }));
    }
    const revoking = /^revoke(\s|$)/i.test(ctx.args);
    const [, typedCheck = '', typedResource = ''] = /^(\S*)\s*([\s\S]*)$/.exec(revoking ? ctx.args.slice('revoke'.length).trim() : ctx.args)!;
    const resource = typedResource.trim();
    const what = revoking ? 'revoke the exception' : 'accept the finding';
    if (!typedCheck || !resource) return ctx.conversation.ephemeral(couldNot(what, `Say which check and resource: ${codeSpan(USAGE)}.`));
    const check = checks.find((c) => c.id.toLowerCase() === typedCheck.toLowerCase());
    if (!check || check.kind === 'attestation') {
      const closest = closestMatches(truncate(typedCheck, 100), checks.filter((c) => c.kind === 'automated').map((c) => c.id));
      const hint = closest.length > 0 ? ` Closest: ${closest.map(codeSpan).join(', ')}.` : '';
      const reason = check
        ? `${codeSpan(check.id)} needs a person's evidence: record it with ${codeSpan(`/ftr attest ${check.refs[0]}`)}.`
        : `There is no check ${codeSpan(truncate(typedCheck, 100))}.${hint}`;
      return ctx.conversation.ephemeral(couldNot(what, reason));
    }
    if (revoking) return revoke(ctx, accountId, check.id, resource);
    const report = await scans.latest(accountId);
    if (!report) return ctx.conversation.ephemeral(couldNot(what, 'No scan has finished yet; an FTR admin can start one with `/ftr scan`.'));
    const result = resultFor(report, accountId, check.id, resource);
    if (!result) {
      const failing = report.results.filter((r) => r.accountId === accountId && r.checkId === check.id && r.status === 'FAIL').map((r) => r.resource);
      const closest = closestMatches(truncate(resource, 300), failing);
      const hint = closest.length > 0 ? ` Closest failing: ${closest.map((r) => codeSpan(truncate(r, 200))).join(', ')}.` : failing.length === 0 ? ' It fails on no resource.' : '';
      return ctx.conversation.ephemeral(couldNot(what, `The last scan has no result of ${codeSpan(check.id)} for ${codeSpan(truncate(resource, 300))}.${hint}`));
    }
    if (result.status !== 'FAIL') {
      return ctx.conversation.ephemeral(couldNot(what, `The last scan found ${codeSpan(truncate(result.resource, 300))} ${result.status} for ${codeSpan(check.id)}: there is no failure to accept.`));
    }
    if (!ctx.triggerId) return ctx.conversation.ephemeral(couldNot(what, 'The form opens only from the `/ftr except` command or the Accept… button of `/ftr check`.'));
    await openExceptionModal({ client, services: ctx.services, triggerId: ctx.triggerId, userId: ctx.userId, report, result });
  },
};
