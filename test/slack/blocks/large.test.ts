import { requirements } from '../../../src/core/requirements';
import {
  checkResultsMessage,
  explainMessage,
  homeView,
  runbookListMessage,
  runbookMessage,
  scanProgressMessage,
  statusMessage,
  validateBlocks,
  validateMessage,
  type SlackMessage,
} from '../../../src/slack/blocks';
import type { Runbook } from '../../../src/slack/runbooks';
import { ACCOUNT, allText, largeReport, NOW } from './fixtures';

// 200 failing checks × 25 results = 5,000 results, resource names of 500 characters,
// spread over every requirement of both documents.
const { report, checks } = largeReport({ checks: 200, perCheck: 25, nameLength: 500, refs: requirements().all.map((r) => r.id) });

function everything(message: SlackMessage): string {
  return allText([...message.blocks, ...(message.thread ?? []).flatMap((m) => m.blocks)]);
}

describe('builders with large inputs stay within Slack limits', () => {
  it('the fixture is as large as promised', () => {
    expect(report.results).toHaveLength(5000);
    expect(new Set(report.results.filter((r) => r.status === 'FAIL').map((r) => r.checkId)).size).toBe(200);
    expect(report.results[0].resource.length).toBeGreaterThan(500);
  });

  it('statusMessage, overall and per section', () => {
    const overall = statusMessage({ report, now: NOW, accountId: ACCOUNT, canRescan: true, checks });
    expect(validateMessage(overall)).toEqual([]);
    expect(allText(overall.blocks)).toContain('… and 190 more failing checks.');
    for (const section of requirements().sections) {
      const message = statusMessage({ report, section: section.id, now: NOW, accountId: ACCOUNT, canRescan: true, checks });
      expect(validateMessage(message)).toEqual([]);
    }
  });

  it('statusMessage never lets a message from AWS mention anyone', () => {
    const text = everything(statusMessage({ report, now: NOW, accountId: ACCOUNT, canRescan: true, checks }));
    expect(text.replace(/<!date\^[^>]+>/g, '')).not.toMatch(/<[!@#]/);
  });

  it.each(['FTR-7', 'FTR-7.1', 'WAS-IAM', 'check_000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'nothing-like-this'])('checkResultsMessage for %s', (query) => {
    const message = checkResultsMessage({ report, query, now: NOW, checks });
    expect(validateMessage(message)).toEqual([]);
    expect(everything(message)).not.toContain('<!channel>');
  });

  it('explainMessage with every check of a section', () => {
    const message = explainMessage({ requirement: requirements().byId.get('FTR-7.1')!, checks });
    expect(validateMessage(message)).toEqual([]);
  });

  it('runbookMessage with 80 long steps, and a list of 200 runbooks', () => {
    const runbook: Runbook = {
      name: 'long',
      title: 't'.repeat(500),
      summary: 's'.repeat(5000),
      refs: ['FTR-3.4'],
      steps: Array.from({ length: 80 }, (_v, i) => `Step ${i}: ${'do this carefully '.repeat(150)}\n\`\`\`\n${'aws iam x\n'.repeat(40)}\`\`\``),
    };
    const message = runbookMessage(runbook);
    expect(validateMessage(message)).toEqual([]);
    expect(message.thread!.length).toBeGreaterThan(0);
    expect(validateMessage(runbookListMessage(Array.from({ length: 200 }, (_v, i) => ({ ...runbook, name: `rb-${i}` }))))).toEqual([]);
  });

  it('scanProgressMessage with an odd progress', () => {
    const progress = { done: 5000, total: 3, startedAt: new Date(0) };
    expect(validateMessage(scanProgressMessage({ progress, accountId: ACCOUNT, now: NOW }))).toEqual([]);
  });

  it('homeView with the large report, a running scan and many commands', () => {
    const commands = Array.from({ length: 2000 }, (_v, i) => ({ name: `c${i}`, usage: `/ftr c${i}`, summary: 'x'.repeat(400), requires: 'read' as const }));
    const view = homeView({ report, running: { done: 1, total: 2, startedAt: NOW }, accountId: ACCOUNT, now: NOW, isAdmin: true, commands, checks });
    expect(validateBlocks(view.blocks, 'home')).toEqual([]);
    expect(allText(view.blocks.slice(-1))).toBe('… and more: `/ftr help` lists every command.');
  });
});
