import { runbookMessage } from '../slack/blocks';
import { textMessage } from '../slack/blocks/kit';
import type { SlackApp } from '../slack/app';
import { onButton, tellPresser } from '../slack/buttons';
import { findRunbook } from '../slack/runbooks';
import type { Store } from '../store';
import { ALERT_ACTIONS, digestPage } from './cards';
import type { AlertAction, AlertService } from './service';

const PAST: Record<AlertAction, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };

/**
 * The buttons of alert cards: Acknowledge / Resolve (responders only; the card changes in place
 * and the audit trail keeps who and when), Acknowledge all / Resolve all on digests, Show all
 * (pages of a digest, privately), Runbook (privately), and the console link (nothing to do).
 */
export function registerAlertActions(slack: SlackApp, deps: { service: AlertService; store: Store }): void {
  const { app, services } = slack;
  const { logger } = services;

  const act = (actionId: string, action: AlertAction, scope: 'key' | 'digestId') =>
    onButton(slack, {
      actionId,
      requires: 'acknowledge',
      what: `${action} alerts`,
      handle: async ({ body, value, userId }) => {
        const result = await deps.service.act({ action, userId, [scope]: value });
        logger.info({ user: userId, action, [scope]: value, changed: result.changed.length }, `alert ${PAST[action]}`);
        if (result.changed.length === 0) {
          const first = result.already[0];
          const by = first?.state === 'resolved' ? first.resolvedBy : first?.acknowledgedBy;
          const who = by && /^[UW][A-Z0-9]+$/.test(by) ? ` by <@${by}>` : '';
          await tellPresser(app.client, body, textMessage(first ? `Nothing to do: already ${first.state}${who}.` : 'That alert is no longer known to ftr-bot.'));
        }
      },
    });

  act(ALERT_ACTIONS.acknowledge, 'acknowledge', 'key');
  act(ALERT_ACTIONS.resolve, 'resolve', 'key');
  act(ALERT_ACTIONS.acknowledgeDigest, 'acknowledge', 'digestId');
  act(ALERT_ACTIONS.resolveDigest, 'resolve', 'digestId');

  onButton(slack, {
    actionId: ALERT_ACTIONS.showDigest,
    requires: 'read',
    what: 'show the alerts of this digest',
    handle: async ({ body, value }) => {
      const [digestId, page] = value.split('|');
      const members = await deps.store.digestAlerts(digestId);
      if (members.length === 0) return tellPresser(app.client, body, textMessage('That digest is no longer known to ftr-bot.'));
      // Paging from an earlier page replaces it; from the card, a new private message.
      await tellPresser(app.client, body, digestPage({ digestId, members, page: Number(page) || 0 }), { replace: body.container?.is_ephemeral === true });
    },
  });

  onButton(slack, {
    actionId: ALERT_ACTIONS.runbook,
    requires: 'read',
    what: 'show the runbook',
    handle: async ({ body, value }) => {
      const runbook = findRunbook(services.runbooks, value);
      await tellPresser(app.client, body, runbook ? runbookMessage(runbook) : textMessage(`There is no runbook named ${value.replace(/[<>&]/g, '')}; \`/ftr runbook\` lists them.`));
    },
  });

  // A link button: Slack opens the URL and still sends the press, which needs only its acknowledgement.
  app.action(ALERT_ACTIONS.console, async ({ ack }) => ack());
}
