import type { AnyBlock, KnownBlock } from '@slack/types';
import type { SlackMessage } from './types';

/** Slack's documented Block Kit limits (characters unless said otherwise). */
export const LIMITS = {
  messageBlocks: 50,
  homeBlocks: 100,
  /** The `text` of a message: the notification fallback. */
  messageText: 40000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  /** Any other text object (context elements, button confirmations). */
  textObject: 3000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  blockId: 255,
} as const;

export type Surface = 'message' | 'home';

interface TextLike {
  type?: string;
  text?: unknown;
}

/** Problems with one text object: missing, empty (Slack rejects it) or too long. */
function textViolations(where: string, value: TextLike | undefined, max: number, plainOnly = false): string[] {
  if (!value || typeof value.text !== 'string') return [`${where}: missing text`];
  const out: string[] = [];
  if (value.text.length === 0) out.push(`${where}: empty text`);
  if (value.text.length > max) out.push(`${where}: ${value.text.length} characters > ${max}`);
  if (plainOnly && value.type !== 'plain_text') out.push(`${where}: must be plain_text`);
  return out;
}

function idViolations(where: string, element: { action_id?: string; block_id?: string }): string[] {
  const out: string[] = [];
  if (element.action_id !== undefined && element.action_id.length > LIMITS.actionId) out.push(`${where}.action_id: longer than ${LIMITS.actionId}`);
  if (element.block_id !== undefined && element.block_id.length > LIMITS.blockId) out.push(`${where}.block_id: longer than ${LIMITS.blockId}`);
  return out;
}

function elementViolations(where: string, element: Record<string, any>): string[] {
  const out = idViolations(where, element);
  if (element.type === 'button') {
    out.push(...textViolations(`${where}.text`, element.text, LIMITS.buttonText, true));
    if (typeof element.value === 'string' && element.value.length > LIMITS.buttonValue) out.push(`${where}.value: longer than ${LIMITS.buttonValue}`);
    if (typeof element.url === 'string' && element.url.length > LIMITS.buttonUrl) out.push(`${where}.url: longer than ${LIMITS.buttonUrl}`);
  }
  return out;
}

function blockViolations(where: string, block: Record<string, any>): string[] {
  const out = idViolations(where, block);
  switch (block.type) {
    case 'header':
      out.push(...textViolations(`${where}.text`, block.text, LIMITS.headerText, true));
      break;
    case 'section': {
      const fields: TextLike[] = block.fields ?? [];
      if (!block.text && fields.length === 0) out.push(`${where}: needs text or fields`);
      if (block.text) out.push(...textViolations(`${where}.text`, block.text, LIMITS.sectionText));
      if (fields.length > LIMITS.sectionFields) out.push(`${where}.fields: ${fields.length} > ${LIMITS.sectionFields}`);
      fields.forEach((f, i) => out.push(...textViolations(`${where}.fields[${i}]`, f, LIMITS.fieldText)));
      if (block.accessory) out.push(...elementViolations(`${where}.accessory`, block.accessory));
      break;
    }
    case 'context': {
      const elements: TextLike[] = block.elements ?? [];
      if (elements.length === 0) out.push(`${where}.elements: empty`);
      if (elements.length > LIMITS.contextElements) out.push(`${where}.elements: ${elements.length} > ${LIMITS.contextElements}`);
      elements.forEach((e, i) => {
        if (e.type === 'mrkdwn' || e.type === 'plain_text') out.push(...textViolations(`${where}.elements[${i}]`, e, LIMITS.textObject));
      });
      break;
    }
    case 'actions': {
      const elements: Record<string, any>[] = block.elements ?? [];
      if (elements.length === 0) out.push(`${where}.elements: empty`);
      if (elements.length > LIMITS.actionsElements) out.push(`${where}.elements: ${elements.length} > ${LIMITS.actionsElements}`);
      elements.forEach((e, i) => out.push(...elementViolations(`${where}.elements[${i}]`, e)));
      break;
    }
    case 'divider':
      break;
    default:
      out.push(`${where}: block type ${String(block.type)} is not used by this app`);
  }
  return out;
}

/** Every way `blocks` break Slack's limits for the surface; empty when Slack would accept them. */
export function validateBlocks(blocks: readonly (KnownBlock | AnyBlock)[], surface: Surface): string[] {
  const max = surface === 'home' ? LIMITS.homeBlocks : LIMITS.messageBlocks;
  const out: string[] = [];
  if (blocks.length > max) out.push(`${blocks.length} blocks > ${max} in a ${surface}`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const record = block as Record<string, any>;
    out.push(...blockViolations(`blocks[${i}]`, record));
    if (typeof record.block_id === 'string') {
      if (blockIds.has(record.block_id)) out.push(`blocks[${i}].block_id: duplicate ${record.block_id}`);
      blockIds.add(record.block_id);
    }
    // action_id must be unique within its block.
    const actionIds = new Set<string>();
    for (const element of [...(record.elements ?? []), ...(record.accessory ? [record.accessory] : [])]) {
      if (typeof element.action_id !== 'string') continue;
      if (actionIds.has(element.action_id)) out.push(`blocks[${i}]: duplicate action_id ${element.action_id}`);
      actionIds.add(element.action_id);
    }
  });
  return out;
}

/** `validateBlocks` for a message and each of its thread continuations, plus the fallback text. */
export function validateMessage(message: SlackMessage): string[] {
  const out: string[] = [];
  if (message.text.length === 0) out.push('text: empty');
  if (message.text.length > LIMITS.messageText) out.push(`text: ${message.text.length} characters > ${LIMITS.messageText}`);
  out.push(...validateBlocks(message.blocks, 'message'));
  (message.thread ?? []).forEach((reply, i) => out.push(...validateMessage(reply).map((v) => `thread[${i}].${v}`)));
  return out;
}
