import type { Requirement } from '../../core/requirements';
import type { Check } from '../../core/types';
import { authoredMrkdwn, codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import { SEVERITY_EMOJI } from './format';
import { context, header, packSections, section, withThread } from './kit';
import type { SlackMessage } from './types';

const DESCRIPTION_MAX = 2400;

function checkLine(check: Check): string {
  const kind = check.kind === 'automated' ? ':robot_face: automated' : ':memo: needs attestation';
  return `• *${escapeMrkdwn(check.title)}* ${codeSpan(check.id)} · ${kind} · ${SEVERITY_EMOJI[check.severity]} ${check.severity}\n   _${escapeMrkdwn(truncate(check.rationale, 400))}_`;
}

/** What a requirement asks, how the tool checks it and how to fix it. */
export function explainMessage(input: { requirement: Requirement; checks: readonly Check[] }): SlackMessage {
  const { requirement, checks } = input;
  const asks = [`*What it asks*`, `>${escapeMrkdwn(truncate(requirement.statement, 600))}`];
  if (requirement.description && requirement.description !== requirement.statement) {
    asks.push(escapeMrkdwn(truncate(requirement.description, DESCRIPTION_MAX)));
  }
  const how =
    checks.length > 0
      ? [`*How ftr-bot checks it*`, ...checks.map(checkLine)]
      : [`*How ftr-bot checks it*`, `No check covers ${requirement.id} yet; record evidence for it by hand.`];
  const remediations = [...new Set(checks.map((c) => c.remediation))];
  const fix = remediations.length > 0 ? [`*How to fix it*`, ...remediations.map((r) => `• ${authoredMrkdwn(truncate(r, 800))}`)] : [];
  return withThread({
    text: `${requirement.id}: ${escapeMrkdwn(truncate(requirement.short, 200))}`,
    head: [
      header(`${requirement.id} · ${requirement.short}`),
      context(`${requirement.section} ${escapeMrkdwn(requirement.sectionTitle)} · evidence: ${escapeMrkdwn(truncate(requirement.evidence, 400))}`),
    ],
    body: [section(asks.join('\n')), ...packSections(how), ...packSections(fix)],
  });
}
