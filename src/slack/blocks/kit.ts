import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { clipMrkdwn, truncate } from '../mrkdwn';
import { LIMITS } from './limits';
import type { SlackMessage } from './types';

/*
 * Block constructors. Builders decide what fits (summaries, thread continuations); these clip
 * as a last line of defence so that no payload can exceed a limit.
 */

export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

export function section(mrkdwn: string, accessory?: Button): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(mrkdwn, LIMITS.sectionText) }, ...(accessory ? { accessory } : {}) };
}

/** A message of one mrkdwn section, already written (and escaped) by the caller: notes, notices. */
export function textMessage(mrkdwn: string): SlackMessage {
  return { text: mrkdwn, blocks: [section(mrkdwn)] };
}

export function context(...mrkdwn: string[]): ContextBlock {
  return {
    type: 'context',
    elements: mrkdwn.slice(0, LIMITS.contextElements).map((text) => ({ type: 'mrkdwn' as const, text: clipMrkdwn(text, LIMITS.textObject) })),
  };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function button(input: { text: string; actionId: string; value?: string; style?: 'primary' | 'danger' }): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(input.text, LIMITS.buttonText), emoji: true },
    action_id: input.actionId.slice(0, LIMITS.actionId),
    ...(input.value !== undefined ? { value: input.value.slice(0, LIMITS.buttonValue) } : {}),
    ...(input.style ? { style: input.style } : {}),
  };
}

export function actions(buttons: readonly Button[]): ActionsBlock {
  return { type: 'actions', elements: buttons.slice(0, LIMITS.actionsElements) };
}

/** Lines joined into as few sections as the section text limit allows; an over-long line is clipped. */
export function packSections(lines: readonly string[], separator = '\n'): SectionBlock[] {
  const max = LIMITS.sectionText;
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clipMrkdwn(raw, max);
    if (current && current.length + separator.length + line.length > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}${separator}${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks.map((text) => section(text));
}

/**
 * One message of `head`, as much of `body` as fits, and `tail`; the rest of `body` continues in
 * thread replies of at most the message block limit each.
 */
export function withThread(input: { text: string; head: KnownBlock[]; body: KnownBlock[]; tail?: KnownBlock[] }): SlackMessage {
  const tail = input.tail ?? [];
  const room = LIMITS.messageBlocks - input.head.length - tail.length;
  if (input.body.length <= room) return { text: input.text, blocks: [...input.head, ...input.body, ...tail] };
  const shown = input.body.slice(0, room - 1);
  const rest = input.body.slice(room - 1);
  const thread: SlackMessage[] = [];
  for (let i = 0; i < rest.length; i += LIMITS.messageBlocks) {
    thread.push({ text: truncate(`${input.text} (continued)`, 300), blocks: rest.slice(i, i + LIMITS.messageBlocks) });
  }
  return {
    text: input.text,
    blocks: [...input.head, ...shown, context(`_Continued in the thread (${thread.length} ${thread.length === 1 ? 'reply' : 'replies'})._`), ...tail],
    thread,
  };
}
