import type { SlackApp } from './app';
import { onButton, tellPresser } from './buttons';
import { checkResultsMessage, errorMessage, runbookMessage, type SlackMessage } from './blocks';
import { textMessage } from './blocks/kit';
import { parseFailureValue, runbookForRequirement, STATUS_ACTIONS, type FailureRef } from './blocks/status';
import { codeSpan } from './mrkdwn';

/**
 * The buttons of a status's failures: Runbook shows the shipped runbook covering the failure's
 * requirement, Show resources the check's results in the latest report. Both need `read` and
 * answer the presser alone, whoever else sees the status.
 */
export function registerStatusActions(slack: SlackApp): void {
  const { app, services } = slack;
  const { scans, checks } = services;

  const onPress = (actionId: string, what: string, handle: (ref: FailureRef) => Promise<SlackMessage>) =>
    onButton(slack, {
      actionId,
      requires: 'read',
      what,
      handle: async ({ body, value }) => {
        const ref = parseFailureValue(value);
        const answer = ref ? await handle(ref) : errorMessage({ what, reason: 'The button no longer says which check it is for; run /ftr status again.' });
        await tellPresser(app.client, body, answer);
      },
    });

  onPress(STATUS_ACTIONS.resources, 'show the failing resources', async (ref) => {
    const report = await scans.latest(await scans.accountId());
    if (!report) return errorMessage({ what: 'show the failing resources', reason: 'No scan report is stored any more; an FTR admin can start one with /ftr scan.' });
    // A check the catalog and the report no longer know (an older status): its requirement instead.
    const known = checks.some((c) => c.id === ref.checkId) || report.results.some((r) => r.checkId === ref.checkId);
    const query = known || !ref.requirementId ? ref.checkId : ref.requirementId;
    return checkResultsMessage({ report, query, now: services.now(), checks });
  });

  onPress(STATUS_ACTIONS.runbook, 'show the runbook', async (ref) => {
    const runbook = ref.requirementId ? runbookForRequirement(services.runbooks, ref.requirementId) : undefined;
    if (runbook) return runbookMessage(runbook);
    return textMessage(`No shipped runbook covers ${codeSpan(ref.requirementId ?? ref.checkId)} any more; \`/ftr runbook\` lists them.`);
  });
}
