import type { KnownBlock } from '@slack/types';
import { codeSpan, escapeMrkdwn, truncate } from '../mrkdwn';
import { context, header, packSections, section, withThread } from './kit';
import type { CommandSummary, SlackMessage } from './types';

/** "`/ftr status [section]` — what it does". */
export function commandLines(commands: readonly CommandSummary[]): string[] {
  return commands.map((c) => `${codeSpan(truncate(c.usage, 150))} — ${escapeMrkdwn(truncate(c.summary, 300))}`);
}

export function helpMessage(commands: readonly CommandSummary[], options: { adminsMissing?: boolean } = {}): SlackMessage {
  const everyone = commands.filter((c) => c.requires === 'read');
  const admins = commands.filter((c) => c.requires !== 'read');
  const body: KnownBlock[] = packSections(commandLines(everyone));
  if (admins.length > 0) body.push(section('*FTR admins only*'), ...packSections(commandLines(admins)));
  if (admins.length > 0 && options.adminsMissing) body.push(context(`:lock: No FTR admins are configured yet. ${NAME_ADMINS_HINT}`));
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
const SLACK_GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** How to let anyone start scans when nobody may: said wherever an admin action is refused or offered. */
export const NAME_ADMINS_HINT = 'Name FTR admins in `roles.admins` of the bot\'s configuration file (user IDs `U…` or user group IDs `S…`), or set `roles.allowEveryone: true` for a small team.';

/** "Only FTR admins may …", naming whom to ask when they are known, or how to name admins when none are. */
export function refusalMessage(input: { what: string; holders: string; ask: readonly string[]; adminsMissing: boolean }): SlackMessage {
  const what = escapeMrkdwn(truncate(input.what, 100));
  if (input.adminsMissing) {
    return {
      text: `Nobody may ${what}: no FTR admins are configured`,
      blocks: [section(`:lock: No FTR admins are configured, so nobody may ${what} on demand (scheduled scans still run). ${NAME_ADMINS_HINT}`)],
    };
  }
  const ask = input.ask.filter((id) => SLACK_USER_ID.test(id) || SLACK_GROUP_ID.test(id)).slice(0, 10);
  const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);
  const whom = ask.length > 0 ? `ask one of ${ask.map(mention).join(', ')}` : `ask one of the ${escapeMrkdwn(input.holders)} (see \`roles\` in the bot configuration)`;
  return {
    text: `Only ${escapeMrkdwn(input.holders)} may ${what}`,
    blocks: [section(`:lock: Only ${escapeMrkdwn(input.holders)} may ${what}; ${whom} to do it or to grant you the role.`)],
  };
}

export function errorMessage(input: { what: string; reason: string }): SlackMessage {
  const what = escapeMrkdwn(truncate(input.what, 200));
  return {
    text: `Could not ${what}`,
    blocks: [section(`:warning: *Could not ${what}*\n${escapeMrkdwn(truncate(input.reason, 2000))}`)],
  };
}
