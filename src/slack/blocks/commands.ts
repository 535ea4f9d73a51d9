import type { KnownBlock } from '@slack/types';
import { codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import { context, header, packSections, section, withThread } from './kit';
import type { CommandSummary, SlackMessage } from './types';

/** "`/ftr status [section]` — what it does". */
export function commandLines(commands: readonly CommandSummary[]): string[] {
  return commands.map((c) => `${codeSpan(truncate(c.usage, 150))} — ${escapeMrkdwn(truncate(c.summary, 300))}`);
}

export function helpMessage(commands: readonly CommandSummary[]): SlackMessage {
  const everyone = commands.filter((c) => !c.adminOnly);
  const admins = commands.filter((c) => c.adminOnly);
  const body: KnownBlock[] = packSections(commandLines(everyone));
  if (admins.length > 0) body.push(section('*FTR admins only*'), ...packSections(commandLines(admins)));
  return withThread({
    text: escapeMrkdwn(truncate(`ftr-bot commands: ${commands.map((c) => c.name).join(', ')}`, 300)),
    head: [header('ftr-bot commands')],
    body,
    tail: [context('Requirement IDs (`FTR-7.1`, `WAS-IAM-2`) and sections (`FTR-7`, `WAS-DET`) work wherever a command takes an ID.')],
  });
}

export function unknownCommandMessage(input: { input: string; closest?: string; commands: readonly CommandSummary[] }): SlackMessage {
  const asked = truncate(input.input.trim(), 100);
  const suggestion = input.closest ? ` Did you mean ${codeSpan(input.closest)}?` : '';
  const names = input.commands.map((c) => codeSpan(c.name)).join(', ');
  return {
    text: `Unknown command ${escapeMrkdwn(asked)}`,
    blocks: [
      section(`:grey_question: There is no command ${codeSpan(asked)}.${suggestion}`),
      context(`Commands: ${names || 'none'} · \`/ftr help\` says what each does.`),
    ],
  };
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** "Only FTR admins can …", naming the admins when they are known. */
export function refusalMessage(input: { command: string; admins?: readonly string[] }): SlackMessage {
  const admins = (input.admins ?? []).filter((id) => SLACK_USER_ID.test(id));
  const ask = admins.length > 0 ? `ask one of ${admins.slice(0, 10).map((id) => `<@${id}>`).join(', ')}` : 'ask an FTR admin (see `roles` in the bot configuration)';
  const command = codeSpan(truncate(input.command, 100));
  return {
    text: `Only FTR admins can run ${escapeMrkdwn(truncate(input.command, 100))}`,
    blocks: [section(`:lock: Only FTR admins can run ${command}; ${ask} to run it or to grant you the role.`)],
  };
}

export function errorMessage(input: { what: string; reason: string }): SlackMessage {
  const what = escapeMrkdwn(truncate(input.what, 200));
  return {
    text: `Could not ${what}`,
    blocks: [section(`:warning: *Could not ${what}*\n${escapeMrkdwn(truncate(input.reason, 2000))}`)],
  };
}
