import { authoredMrkdwn, codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import type { Runbook } from '../runbooks';
import { context, header, packSections, section, withThread } from './kit';
import type { SlackMessage } from './types';

/** Every shipped runbook with its summary and the command that shows it. */
export function runbookListMessage(runbooks: readonly Runbook[]): SlackMessage {
  if (runbooks.length === 0) {
    return { text: 'No runbooks are installed', blocks: [section(':books: No runbooks are installed.')] };
  }
  const lines = runbooks.map(
    (r) => `• *${escapeMrkdwn(truncate(r.title, 150))}* — \`/ftr runbook ${escapeMrkdwn(r.name)}\`\n   ${authoredMrkdwn(truncate(r.summary, 300))}`,
  );
  return withThread({
    text: `${runbooks.length} incident runbooks`,
    head: [header(':books: Incident runbooks')],
    body: packSections(lines),
    tail: [context('`/ftr runbook <name>` shows the steps.')],
  });
}

/** A runbook as numbered steps (code kept as code); steps that do not fit continue in the thread. */
export function runbookMessage(runbook: Runbook): SlackMessage {
  const refs = runbook.refs.length > 0 ? ` · ${runbook.refs.map((r) => escapeMrkdwn(r)).join(', ')}` : '';
  const steps = runbook.steps.map((step, i) => `*${i + 1}.* ${authoredMrkdwn(step)}`);
  return withThread({
    text: `Runbook: ${escapeMrkdwn(truncate(runbook.title, 200))}`,
    head: [
      header(`:rotating_light: ${runbook.title}`),
      context(`${authoredMrkdwn(truncate(runbook.summary, 1000))}\n${codeSpan(runbook.name)}${refs}`),
    ],
    body: packSections(steps, '\n\n'),
  });
}
