import type { ViewOutput, ViewSubmitAction } from '@slack/bolt';
import type { InputBlock, KnownBlock, ModalView, PlainTextElement } from '@slack/types';
import { drillRecords, type DrillRecord } from '../alerts/drill';
import { decisionState, DEFAULT_EXCEPTION_DAYS, defaultAttestationDays, expiringSoon, MAX_EXCEPTION_DAYS, type Attestation, type DecidedResult, type ResourceException } from '../core/decisions';
import { requirements, type Requirement } from '../core/requirements';
import type { Check } from '../core/types';
import type { ScanReport } from '../engine/scan';
import { dayAfter, DecisionInputError, isoDay, MAX_EVIDENCE_CHARS } from '../store/decisionLog';
import type { SlackApp } from './app';
import { ACTION_HOLDERS, type SlackAction } from './authorize';
import { errorMessage, type SlackMessage } from './blocks';
import { checkTitle, messageText, plural, SEVERITY_EMOJI, STATUS_EMOJI } from './blocks/format';
import { context, header, packSections, section } from './blocks/kit';
import { ACCEPT_FINDING_ACTION_ID, findFinding, findingRefFor, parseFindingRef, userMention, type FindingRef } from './blocks/results';
import { onButton, tellPresser } from './buttons';
import type { SlackServices } from './command';
import { codeSpan, escapeMrkdwn, truncate } from './mrkdwn';
import type { Runbook } from './runbooks';
import { userFacingReason } from './status';
import type { WebClient } from './webClient';

/*
 * The attestation and exception modals: views built as pure functions from what they show, opened
 * by `/ftr attest`, `/ftr except` and the Accept… button of `/ftr check`; their submissions are
 * checked again from scratch (who submits, what the hidden metadata names) before anything is saved.
 */

export const ATTEST_CALLBACK_ID = 'ftr_attest';
export const EXCEPT_CALLBACK_ID = 'ftr_except';

/** Input blocks, by the field each holds; every input element's action_id is `VALUE`. */
export const MODAL_BLOCKS = { evidence: 'evidence', link: 'link', owner: 'owner', expiry: 'expiry', reason: 'reason' } as const;
const VALUE = 'value';

/** Slack's limits for modals (characters). */
const MODAL_LIMITS = { title: 24, button: 24, label: 2000, hint: 2000, placeholder: 150, privateMetadata: 3000, errorText: 1000 } as const;

/** Days before expiry from which lists flag a decision. */
export const EXPIRING_DAYS = 14;

const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: truncate(text, max), emoji: true });

function inputBlock(blockId: string, label: string, element: InputBlock['element'], options: { optional?: boolean; hint?: string } = {}): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, MODAL_LIMITS.label),
    element,
    ...(options.optional ? { optional: true } : {}),
    ...(options.hint ? { hint: plain(options.hint, MODAL_LIMITS.hint) } : {}),
  };
}

function textInput(options: { initial?: string; placeholder: string; multiline?: boolean; minLength?: number }): InputBlock['element'] {
  const initial = options.initial ? truncate(options.initial, MAX_EVIDENCE_CHARS) : undefined;
  return {
    type: 'plain_text_input',
    action_id: VALUE,
    multiline: options.multiline ?? false,
    max_length: MAX_EVIDENCE_CHARS,
    ...(options.minLength ? { min_length: options.minLength } : {}),
    ...(initial ? { initial_value: initial } : {}),
    placeholder: plain(options.placeholder, MODAL_LIMITS.placeholder),
  };
}

function ownerInput(owner: string): InputBlock {
  return inputBlock(MODAL_BLOCKS.owner, 'Owner', { type: 'users_select', action_id: VALUE, initial_user: owner, placeholder: plain('Who answers for it', MODAL_LIMITS.placeholder) }, {
    hint: 'The person who keeps it true and renews it before it expires.',
  });
}

function expiryInput(expiresOn: string, hint: string): InputBlock {
  return inputBlock(MODAL_BLOCKS.expiry, 'Expires on', { type: 'datepicker', action_id: VALUE, initial_date: expiresOn, placeholder: plain('Pick a day', MODAL_LIMITS.placeholder) }, { hint });
}

function modal(input: { callbackId: string; title: string; submit: string; privateMetadata: string; blocks: KnownBlock[] }): ModalView {
  return {
    type: 'modal',
    callback_id: input.callbackId,
    title: plain(input.title, MODAL_LIMITS.title),
    submit: plain(input.submit, MODAL_LIMITS.button),
    close: plain('Cancel', MODAL_LIMITS.button),
    private_metadata: input.privateMetadata,
    blocks: input.blocks,
  };
}

const day = (iso: string): string => iso.slice(0, 10);

/** "expires on 2025-05-01", "expired on …", "revoked on … by @x": where a decision stands at `now`. */
function standing(decision: { expiresAt: string; revokedAt?: string; revokedBy?: string }, now: Date): string {
  if (decision.revokedAt) return `revoked on ${day(decision.revokedAt)} by ${userMention(decision.revokedBy ?? '')}`;
  return Date.parse(decision.expiresAt) <= now.getTime() ? `expired on ${day(decision.expiresAt)}` : `expires on ${day(decision.expiresAt)}`;
}

// ---------------------------------------------------------------------------------------------
// What is said about a requirement, and what the modal is prefilled with

/** The evidence to record: the attestation check's own wording, else what the last report asked, else the reference's. */
export function evidenceWording(requirement: Requirement, checks: readonly Check[], lastReport?: Pick<ScanReport, 'results'>): string {
  const fromCheck = checks.find((c) => c.kind === 'attestation' && c.refs.includes(requirement.id))?.evidence;
  const fromReport = lastReport?.results.find((r) => r.status === 'MANUAL' && r.refs.includes(requirement.id))?.message;
  return fromCheck ?? fromReport ?? requirement.evidence;
}

/** The shipped runbooks that are evidence for a requirement, as a text the admin edits rather than types. */
export function runbookEvidence(runbooks: readonly Runbook[], requirementId: string, today: string): string | undefined {
  const relevant = runbooks.filter((r) => r.refs.includes(requirementId));
  if (relevant.length === 0) return undefined;
  const file = (r: Runbook) => `runbooks/${r.name}.md`;
  if (relevant.length === 1) return `Runbook: ${relevant[0].title} (shipped with ftr-bot, ${file(relevant[0])}), reviewed on ${today}.`;
  return `Runbooks (shipped with ftr-bot), reviewed on ${today}: ${relevant.map((r) => `${r.title} (${file(r)})`).join('; ')}.`;
}

/** Drills answered for WAS-IR-3 (incident response is practised). */
const DRILL_REQUIREMENT = 'WAS-IR-3';
const DRILLS_QUOTED = 3;

function secondsBetween(from: string, to: string): string {
  return `${Math.round((Date.parse(to) - Date.parse(from)) / 1000)} s`;
}

/** The last drills, newest first, as the evidence of a game day the admin completes with its lessons. */
export function drillEvidence(drills: readonly DrillRecord[]): string | undefined {
  const recent = [...drills].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)).slice(0, DRILLS_QUOTED);
  if (recent.length === 0) return undefined;
  const lines = recent.map((d) => {
    const card = d.cardAt ? `card posted ${secondsBetween(d.queuedAt, d.cardAt)} after the event` : 'no card posted';
    const ack = d.acknowledgedAt ? `, acknowledged by ${d.acknowledgedBy ?? 'someone'} ${secondsBetween(d.cardAt ?? d.queuedAt, d.acknowledgedAt)} later` : ', not acknowledged';
    return `- ${day(d.queuedAt)}: ${d.kind} drill (/ftr drill) requested by ${d.requestedBy}: ${card}${ack}.`;
  });
  return `Incident-response drills through the real alert pipeline:\n${lines.join('\n')}\nLessons: `;
}

/** What the evidence field starts with: the recorded attestation, else drills or runbooks that evidence it. */
export function suggestedEvidence(input: { requirementId: string; current?: Attestation; runbooks: readonly Runbook[]; drills: readonly DrillRecord[]; today: string }): string | undefined {
  if (input.current) return input.current.evidence;
  if (input.requirementId === DRILL_REQUIREMENT) return drillEvidence(input.drills) ?? runbookEvidence(input.runbooks, input.requirementId, input.today);
  return runbookEvidence(input.runbooks, input.requirementId, input.today);
}

// ---------------------------------------------------------------------------------------------
// The views

/** What the attestation modal's hidden metadata names: never trusted on submission. */
interface AttestationTarget {
  accountId: string;
  requirementId: string;
}

export interface AttestationModalInput {
  accountId: string;
  requirement: Requirement;
  /** The evidence to record, in the check's words. */
  wording: string;
  /** The attestation recorded before, in whatever state. */
  current?: Attestation;
  evidence?: string;
  owner: string;
  /** `YYYY-MM-DD`. */
  expiresOn: string;
  now: Date;
}

export function attestationModal(input: AttestationModalInput): ModalView {
  const { requirement, current } = input;
  const days = defaultAttestationDays(requirement.id);
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(requirement.id)} · ${escapeMrkdwn(truncate(requirement.short, 150))}*\n${escapeMrkdwn(truncate(requirement.statement, 1500))}`),
    section(`*Evidence to record:* ${escapeMrkdwn(truncate(input.wording, 1000))}`),
  ];
  if (current) {
    blocks.push(
      context(
        `:memo: Recorded by ${userMention(current.recordedBy)} on ${day(current.recordedAt)}, owner ${userMention(current.owner)}; it ${standing(current, input.now)}. Recording again replaces it, with the expiry below.`,
      ),
    );
  }
  blocks.push(
    inputBlock(MODAL_BLOCKS.evidence, 'Evidence', textInput({ initial: input.evidence, placeholder: 'What was done, where it is documented, when it was last reviewed', multiline: true }), {
      optional: true,
      hint: 'A text, a link, or both.',
    }),
    inputBlock(MODAL_BLOCKS.link, 'Link', { type: 'url_text_input', action_id: VALUE, ...(current?.link ? { initial_value: current.link } : {}), placeholder: plain('https://…', MODAL_LIMITS.placeholder) }, {
      optional: true,
    }),
    ownerInput(input.owner),
    expiryInput(input.expiresOn, `${requirement.id} lasts ${plural(days, 'day')} by default. From this day it fails until someone records it again.`),
    context(`Account ${codeSpan(input.accountId)}`),
  );
  return modal({
    callbackId: ATTEST_CALLBACK_ID,
    title: 'Record attestation',
    submit: 'Record',
    privateMetadata: JSON.stringify({ a: input.accountId, r: requirement.id }),
    blocks,
  });
}

export interface ExceptionModalInput {
  /** The finding's reference (`findingRefFor`), carried as the hidden metadata. */
  ref: string;
  result: DecidedResult;
  checks: readonly Check[];
  /** The exception recorded before for this check and resource, in whatever state. */
  current?: ResourceException;
  owner: string;
  expiresOn: string;
  now: Date;
}

export function exceptionModal(input: ExceptionModalInput): ModalView {
  const { result, current } = input;
  const title = escapeMrkdwn(truncate(checkTitle(input.checks, result.checkId, result.refs), 150));
  const region = result.region === 'global' ? '' : ` in ${escapeMrkdwn(truncate(result.region, 40))}`;
  const blocks: KnownBlock[] = [
    section(`*${title}* · ${codeSpan(truncate(result.checkId, 100))} · ${SEVERITY_EMOJI[result.severity]} ${result.severity} · ${escapeMrkdwn(truncate(result.refs.join(', '), 200))}`),
    section(`*Resource:* ${codeSpan(truncate(result.resource, 1000))}${region}\n${STATUS_EMOJI[result.status]} ${messageText(result.message, 1000)}`),
    context('The result stays in the report as it is, with the exception beside it; it counts as met until the exception expires, then fails again.'),
  ];
  if (current) {
    blocks.push(
      context(
        `:memo: Accepted before by ${userMention(current.recordedBy)} on ${day(current.recordedAt)}, owner ${userMention(current.owner)}; it ${standing(current, input.now)}. Recording again replaces it.`,
      ),
    );
  }
  blocks.push(
    inputBlock(MODAL_BLOCKS.reason, 'Why this finding is accepted', textInput({ initial: current?.reason, placeholder: 'e.g. the bucket serves the public website', multiline: true, minLength: 10 })),
    ownerInput(input.owner),
    expiryInput(input.expiresOn, `${DEFAULT_EXCEPTION_DAYS} days by default, at most 12 months (${dayAfter(input.now, MAX_EXCEPTION_DAYS)}).`),
    context(`Account ${codeSpan(result.accountId)}`),
  );
  return modal({ callbackId: EXCEPT_CALLBACK_ID, title: 'Accept a finding', submit: 'Accept', privateMetadata: input.ref, blocks });
}

// ---------------------------------------------------------------------------------------------
// Lists and confirmations

/** Items listed per group of a list; the rest are counted. */
const LISTED_PER_GROUP = 30;

function group(title: string, lines: string[]): string[] {
  if (lines.length === 0) return [];
  const more = lines.length - LISTED_PER_GROUP;
  return [`*${title}*`, ...lines.slice(0, LISTED_PER_GROUP), ...(more > 0 ? [`_… and ${more.toLocaleString('en-US')} more._`] : [])];
}

/** The decisions of an account by where they stand: live (soon-expiring flagged), expired, revoked. */
function byStanding<T extends { expiresAt: string; revokedAt?: string }>(decisions: readonly T[], now: Date): { live: T[]; soon: Set<T>; expired: T[]; revoked: T[] } {
  const revoked = decisions.filter((d) => decisionState(d, now) === 'revoked');
  const expired = decisions.filter((d) => decisionState(d, now) === 'expired');
  const live = decisions.filter((d) => decisionState(d, now) === 'active').sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  return { live, soon: new Set(expiringSoon(live, now, EXPIRING_DAYS)), expired, revoked };
}

function listMessage(input: { title: string; text: string; lines: string[]; empty: string; footer: string }): SlackMessage {
  const body = input.lines.length > 0 ? packSections(input.lines) : [section(input.empty)];
  return { text: input.text, blocks: [header(input.title), ...body, context(input.footer)] };
}

/** `/ftr attest` without an ID: the account's attestations, and the requirements still needing one. */
export function attestationListMessage(input: { accountId: string; attestations: readonly Attestation[]; open: readonly string[]; now: Date }): SlackMessage {
  const { live, soon, expired, revoked } = byStanding(input.attestations, input.now);
  const line = (a: Attestation) =>
    `${soon.has(a) ? ':hourglass_flowing_sand: ' : ''}*${escapeMrkdwn(a.requirementId)}* — owner ${userMention(a.owner)}, ${standing(a, input.now)} · recorded by ${userMention(a.recordedBy)} on ${day(a.recordedAt)}: ${messageText(a.evidence || a.link || '', 150)}`;
  const lines = [
    ...group(`Active (${live.length})`, live.map(line)),
    ...group(`Expired (${expired.length})`, expired.map(line)),
    ...group(`Revoked (${revoked.length})`, revoked.map(line)),
    ...(input.open.length > 0 ? [`*Still needing attestation (${input.open.length}):* ${input.open.map(escapeMrkdwn).join(', ')}`] : []),
  ];
  return listMessage({
    title: 'Attestations',
    text: `Attestations of account ${input.accountId}: ${live.length} active, ${soon.size} expiring within ${EXPIRING_DAYS} days, ${expired.length} expired`,
    lines,
    empty: `No attestations are recorded for account ${codeSpan(input.accountId)}.`,
    footer: `Account ${codeSpan(input.accountId)} · :hourglass_flowing_sand: expires within ${EXPIRING_DAYS} days · \`/ftr attest <ID>\` records one, \`/ftr attest revoke <ID>\` revokes it.`,
  });
}

/** `/ftr except` without arguments: the account's exceptions. */
export function exceptionListMessage(input: { accountId: string; exceptions: readonly ResourceException[]; now: Date }): SlackMessage {
  const { live, soon, expired, revoked } = byStanding(input.exceptions, input.now);
  const line = (e: ResourceException) =>
    `${soon.has(e) ? ':hourglass_flowing_sand: ' : ''}${codeSpan(truncate(e.checkId, 100))} · ${codeSpan(truncate(e.resource, 200))} — owner ${userMention(e.owner)}, ${standing(e, input.now)} · accepted by ${userMention(e.recordedBy)} on ${day(e.recordedAt)}: ${messageText(e.reason, 150)}`;
  const lines = [
    ...group(`Active (${live.length})`, live.map(line)),
    ...group(`Expired (${expired.length})`, expired.map(line)),
    ...group(`Revoked (${revoked.length})`, revoked.map(line)),
  ];
  return listMessage({
    title: 'Accepted exceptions',
    text: `Exceptions of account ${input.accountId}: ${live.length} active, ${soon.size} expiring within ${EXPIRING_DAYS} days, ${expired.length} expired`,
    lines,
    empty: `No exceptions are recorded for account ${codeSpan(input.accountId)}.`,
    footer: `Account ${codeSpan(input.accountId)} · :hourglass_flowing_sand: expires within ${EXPIRING_DAYS} days · the Accept… button of \`/ftr check\` or \`/ftr except <check id> <resource>\` records one, \`/ftr except revoke <check id> <resource>\` revokes it.`,
  });
}

function attestedMessage(attestation: Attestation): SlackMessage {
  const requirement = requirements().byId.get(attestation.requirementId);
  const what = `*${escapeMrkdwn(attestation.requirementId)}*${requirement ? ` (${escapeMrkdwn(truncate(requirement.short, 150))})` : ''}`;
  const evidence = [attestation.evidence && messageText(attestation.evidence, 1500), attestation.link && codeSpan(truncate(attestation.link, 500))].filter(Boolean).join(' ');
  return {
    text: `Attestation of ${attestation.requirementId} recorded; it expires on ${day(attestation.expiresAt)}`,
    blocks: [
      section(
        `:white_check_mark: Recorded the attestation of ${what} for account ${codeSpan(attestation.accountId)}: owner ${userMention(attestation.owner)}, expires on *${day(attestation.expiresAt)}*. From then it fails until someone records it again.`,
      ),
      section(`*Evidence:* ${evidence}`),
    ],
  };
}

function exceptedMessage(exception: ResourceException): SlackMessage {
  return {
    text: `Exception for ${exception.checkId} on ${escapeMrkdwn(truncate(exception.resource, 200))} recorded; it expires on ${day(exception.expiresAt)}`,
    blocks: [
      section(
        `:ballot_box_with_check: Accepted the finding of ${codeSpan(truncate(exception.checkId, 100))} on ${codeSpan(truncate(exception.resource, 500))} (account ${codeSpan(exception.accountId)}): owner ${userMention(exception.owner)}, expires on *${day(exception.expiresAt)}*. It counts as met until then and fails again after.`,
      ),
      section(`*Reason:* ${messageText(exception.reason, 1500)}`),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Opening the modals

/**
 * Whether an account id that came back from Slack is one this bot answers for: the scanned
 * account, or one with a stored report.
 */
async function knownAccount(services: SlackServices, accountId: string): Promise<boolean> {
  if (!/^\d{12}$/.test(accountId)) return false;
  if (accountId === (await services.scans.accountId())) return true;
  return (await services.store.lastScanAt(accountId)) !== undefined;
}

/** Opens the attestation modal for a requirement the caller has checked exists and is attestable. */
export async function openAttestationModal(input: {
  client: WebClient;
  services: SlackServices;
  triggerId: string;
  userId: string;
  accountId: string;
  requirementId: string;
  lastReport?: ScanReport;
}): Promise<void> {
  const { services, requirementId } = input;
  const now = services.now();
  const requirement = requirements().byId.get(requirementId)!;
  const { attestations } = await services.decisions.decisions(input.accountId);
  const current = attestations.find((a) => a.requirementId === requirementId);
  const drills = requirementId === DRILL_REQUIREMENT && !current ? await drillRecords(services.store) : [];
  const view = attestationModal({
    accountId: input.accountId,
    requirement,
    wording: evidenceWording(requirement, services.checks, input.lastReport),
    current,
    evidence: suggestedEvidence({ requirementId, current, runbooks: services.runbooks, drills, today: isoDay(now) }),
    owner: current?.owner ?? input.userId,
    expiresOn: dayAfter(now, defaultAttestationDays(requirementId)),
    now,
  });
  await input.client.views.open({ trigger_id: input.triggerId, view });
}

/** Opens the exception modal for a failing result of `report`. */
export async function openExceptionModal(input: { client: WebClient; services: SlackServices; triggerId: string; userId: string; report: ScanReport; result: DecidedResult }): Promise<void> {
  const { services, result } = input;
  const ref = findingRefFor(input.report, result, MODAL_LIMITS.privateMetadata);
  if (!ref) throw new RangeError(`the finding of ${result.checkId} cannot be named in a modal`);
  const { exceptions } = await services.decisions.decisions(result.accountId);
  const current = exceptions.find((e) => e.checkId === result.checkId && e.resource === result.resource);
  const now = services.now();
  const view = exceptionModal({ ref, result, checks: services.checks, current, owner: current?.owner ?? input.userId, expiresOn: dayAfter(now, DEFAULT_EXCEPTION_DAYS), now });
  await input.client.views.open({ trigger_id: input.triggerId, view });
}

/** A failing finding of the last report that a reference names, or why there is none to accept. */
export async function failingFinding(services: SlackServices, ref: FindingRef): Promise<{ report: ScanReport; result: DecidedResult } | { problem: string }> {
  if (!(await knownAccount(services, ref.accountId))) return { problem: 'It names an account this bot does not scan.' };
  const report = await services.scans.latest(ref.accountId);
  if (!report) return { problem: 'No scan report is stored for the account; an FTR admin can start one with /ftr scan.' };
  const result = findFinding(report, ref);
  if (!result) return { problem: 'The last scan no longer has this finding (a newer scan replaced the one shown): run /ftr check again.' };
  if (result.status !== 'FAIL') return { problem: `The last scan found it ${result.status}: there is no failure to accept.` };
  if (result.attestation) return { problem: `Its attestation expired: record it again with /ftr attest ${result.refs[0]}.` };
  return { report, result };
}

// ---------------------------------------------------------------------------------------------
// Submissions

type FieldErrors = Record<string, string>;

/** Which input block shows a field's error; the requirement, check and resource are no inputs: the first block shows them. */
const ATTEST_FIELD_BLOCKS: Record<string, string> = { evidence: MODAL_BLOCKS.evidence, link: MODAL_BLOCKS.link, owner: MODAL_BLOCKS.owner, expiry: MODAL_BLOCKS.expiry };
const EXCEPT_FIELD_BLOCKS: Record<string, string> = { reason: MODAL_BLOCKS.reason, owner: MODAL_BLOCKS.owner, expiry: MODAL_BLOCKS.expiry };

/** The errors of a refused recording, per input block (two fields on one block share it). */
function blockErrors(fields: Readonly<Record<string, string>>, blocks: Record<string, string>, first: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries(fields)) {
    const block = blocks[field] ?? first;
    errors[block] = truncate(errors[block] ? `${errors[block]} ${message}` : message, MODAL_LIMITS.errorText);
  }
  return errors;
}

/** What a submission says of one input: a text or URL, a user, or a date. */
function submitted(view: ViewOutput, blockId: string): string | undefined {
  const state = view.state.values[blockId]?.[VALUE];
  const value = state?.value ?? state?.selected_user ?? state?.selected_date;
  return typeof value === 'string' ? value : undefined;
}

function parseAttestationTarget(metadata: string): AttestationTarget | undefined {
  try {
    const { a, r } = JSON.parse(metadata) as Record<string, unknown>;
    return typeof a === 'string' && typeof r === 'string' ? { accountId: a, requirementId: r } : undefined;
  } catch {
    return undefined;
  }
}

const ALTERED = 'This form was altered or is out of date: open it again.';

/** Re-checks on submission that the person may still do `action` (the modal may have been opened before a role changed). */
async function mustBeAllowed(services: SlackServices, userId: string, action: SlackAction, what: string): Promise<void> {
  if (await services.authorization.authorize(userId, action)) return;
  services.logger.info({ user: userId, requires: action }, 'refused: not allowed');
  throw new DecisionInputError({ authorization: `Only ${ACTION_HOLDERS[action]} may ${what}.` });
}

/** Runs `record`; a refusal maps to its fields (those that are no inputs to the first block), any other failure to the first block: the modal stays open. */
async function recorded<T>(services: SlackServices, record: () => Promise<T>, fieldBlocks: Record<string, string>, first: string): Promise<{ saved: T } | { errors: FieldErrors }> {
  try {
    return { saved: await record() };
  } catch (err) {
    if (err instanceof DecisionInputError) return { errors: blockErrors(err.fields, fieldBlocks, first) };
    services.logger.error({ err }, 'could not record a decision');
    return { errors: { [first]: truncate(`Could not save it: ${userFacingReason(err)} Submit again: recording again replaces what is there.`, MODAL_LIMITS.errorText) } };
  }
}

/** Records what an attestation modal submitted, after checking again who submits it and what its metadata names. */
export async function submitAttestation(services: SlackServices, userId: string, view: ViewOutput): Promise<{ saved: Attestation } | { errors: FieldErrors }> {
  return recorded(
    services,
    async () => {
      await mustBeAllowed(services, userId, 'attest', 'record attestations');
      const target = parseAttestationTarget(view.private_metadata);
      if (!target || !(await knownAccount(services, target.accountId))) throw new DecisionInputError({ requirement: ALTERED });
      const lastReport = await services.scans.latest(target.accountId);
      return services.decisions.attest(
        {
          accountId: target.accountId,
          requirementId: target.requirementId,
          evidence: submitted(view, MODAL_BLOCKS.evidence),
          link: submitted(view, MODAL_BLOCKS.link),
          owner: submitted(view, MODAL_BLOCKS.owner),
          expiresOn: submitted(view, MODAL_BLOCKS.expiry),
          by: userId,
        },
        lastReport,
      );
    },
    ATTEST_FIELD_BLOCKS,
    MODAL_BLOCKS.evidence,
  );
}

/** Records what an exception modal submitted, for the finding as the last report has it now. */
export async function submitException(services: SlackServices, userId: string, view: ViewOutput): Promise<{ saved: ResourceException } | { errors: FieldErrors }> {
  return recorded(
    services,
    async () => {
      await mustBeAllowed(services, userId, 'except', 'accept findings');
      const ref = parseFindingRef(view.private_metadata);
      if (!ref) throw new DecisionInputError({ resource: ALTERED });
      const found = await failingFinding(services, ref);
      if ('problem' in found) throw new DecisionInputError({ resource: found.problem });
      const { report, result } = found;
      return services.decisions.except(
        {
          accountId: result.accountId,
          checkId: result.checkId,
          resource: result.resource,
          reason: submitted(view, MODAL_BLOCKS.reason),
          owner: submitted(view, MODAL_BLOCKS.owner),
          expiresOn: submitted(view, MODAL_BLOCKS.expiry),
          by: userId,
        },
        report,
      );
    },
    EXCEPT_FIELD_BLOCKS,
    MODAL_BLOCKS.reason,
  );
}

/**
 * The modals' submissions and the Accept… button of `/ftr check` (for people who may record
 * exceptions). A refused submission keeps the modal open with the reason next to the field; a
 * recorded one closes it and is confirmed in a direct message to the person who submitted.
 */
export function registerDecisionModals(slack: SlackApp): void {
  const { app, services } = slack;
  const { logger } = services;
  const client = app.client;

  const confirm = (userId: string, message: SlackMessage) =>
    slack.track('decision confirmation', async () => {
      await client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks }).catch((err: unknown) => logger.warn({ err, user: userId }, 'could not confirm a recorded decision'));
    });

  const onSubmission = <T>(callbackId: string, submit: (userId: string, view: ViewOutput) => Promise<{ saved: T } | { errors: FieldErrors }>, confirmation: (saved: T) => SlackMessage) => {
    app.view<ViewSubmitAction>(callbackId, async ({ ack, body, view }) => {
      const userId = body.user.id;
      const outcome = await submit(userId, view);
      if ('errors' in outcome) {
        logger.info({ user: userId, callbackId, fields: Object.keys(outcome.errors) }, 'submission refused');
        await ack({ response_action: 'errors', errors: outcome.errors });
        return;
      }
      await ack();
      await confirm(userId, confirmation(outcome.saved));
    });
  };
  onSubmission(ATTEST_CALLBACK_ID, (userId, view) => submitAttestation(services, userId, view), attestedMessage);
  onSubmission(EXCEPT_CALLBACK_ID, (userId, view) => submitException(services, userId, view), exceptedMessage);

  onButton(slack, {
    actionId: ACCEPT_FINDING_ACTION_ID,
    requires: 'except',
    what: 'accept this finding',
    handle: async ({ body, value, userId }) => {
      const ref = parseFindingRef(value);
      const found = ref ? await failingFinding(services, ref) : { problem: ALTERED };
      if ('problem' in found) return tellPresser(client, body, errorMessage({ what: 'accept this finding', reason: found.problem }));
      await openExceptionModal({ client, services, triggerId: body.trigger_id, userId, ...found });
    },
  });
}
