import { decisionState } from '../src/core/decisions';
import { requirements } from '../src/core/requirements';
import { errorMessage } from '../src/slack/blocks';
import { closestMatches } from '../src/slack/blocks/format';
import { textMessage } from '../src/slack/blocks/kit';
import { userMention } from '../src/slack/blocks/results';
import type { CommandContext, SlashCommand } from '../src/slack/command';
import { attestationListMessage, openAttestationModal } from '../src/slack/decisionModals';
import { codeSpan, truncate } from '../src/slack/mrkdwn';

/** Why an ID names no requirement, with the closest IDs a person can attest (plain text: errorMessage escapes it). */
function unknownRequirement(typed: string, attestable: Iterable<string>): string {
  const closest = closestMatches(truncate(typed, 100), attestable);
  const hint = closest.length > 0 ? ` Closest: ${closest.join(', ')}.` : ' /ftr attest lists what needs attestation.';
  return `${truncate(typed.trim(), 100)} is not a requirement ID.${hint}`;
}

async function revoke(ctx: CommandContext, accountId: string, typed: string): Promise<void> {
  const { decisions } = ctx.services;
  const requirementId = typed.trim().toUpperCase();
  if (!requirementId) return ctx.conversation.ephemeral(errorMessage({ what: 'revoke an attestation', reason: 'Say which: /ftr attest revoke <requirement ID>.' }));
  if (!requirements().byId.has(requirementId)) {
    return ctx.conversation.ephemeral(errorMessage({ what: 'revoke the attestation', reason: unknownRequirement(typed, decisions.attestable()) }));
  }
  const revoked = await decisions.revokeAttestation(accountId, requirementId, ctx.userId);
  if (!revoked) return ctx.conversation.ephemeral(textMessage(`:grey_question: ${codeSpan(requirementId)} has no attestation to revoke in account ${codeSpan(accountId)}.`));
  await ctx.conversation.ephemeral(
    textMessage(
      `:wastebasket: Revoked the attestation of ${codeSpan(requirementId)} recorded by ${userMention(revoked.recordedBy)} on ${revoked.recordedAt.slice(0, 10)} (owner ${userMention(revoked.owner)}). It needs attestation again; the audit trail keeps who revoked it and when.`,
    ),
  );
}

/**
 * `/ftr attest [revoke] <requirement ID>`: opens the modal that records a person's evidence for a
 * requirement no AWS API can prove (or revokes it); without an ID, lists the account's attestations.
 */
export const attest: SlashCommand = {
  name: 'attest',
  usage: '/ftr attest [revoke] [requirement ID]',
  summary: 'Record the evidence for a requirement only a person can prove (FTR-3.4, WAS-IR-3, …) with an owner and an expiry; revoke it; or list the attestations.',
  requires: 'attest',
  async run(ctx) {
    const { scans, decisions, now, client } = ctx.services;
    const accountId = await scans.accountId();
    const [first = '', ...rest] = ctx.args.split(/\s+/).filter(Boolean);
    if (first.toLowerCase() === 'revoke') return revoke(ctx, accountId, rest.join(' '));
    const lastReport = await scans.latest(accountId);
    const attestable = decisions.attestable(lastReport);
    if (!first) {
      const { attestations } = await decisions.decisions(accountId);
      const active = new Set(attestations.filter((a) => decisionState(a, now()) === 'active').map((a) => a.requirementId));
      const open = [...attestable].filter((id) => !active.has(id)).sort();
      return ctx.conversation.ephemeral(attestationListMessage({ accountId, attestations, open, now: now() }));
    }
    const requirementId = ctx.args.trim().toUpperCase();
    if (!requirements().byId.has(requirementId)) return ctx.conversation.ephemeral(errorMessage({ what: 'record the attestation', reason: unknownRequirement(ctx.args, attestable) }));
    if (!attestable.has(requirementId)) {
      return ctx.conversation.ephemeral(
        errorMessage({ what: `attest ${requirementId}`, reason: `${requirementId} is decided from AWS by its checks, not by a person. To accept one resource's finding, use /ftr except <check id> <resource>.` }),
      );
    }
    if (!ctx.triggerId) return ctx.conversation.ephemeral(errorMessage({ what: `attest ${requirementId}`, reason: 'The form opens only from the /ftr attest command.' }));
    await openAttestationModal({ client, services: ctx.services, triggerId: ctx.triggerId, userId: ctx.userId, accountId, requirementId, lastReport });
  },
};
