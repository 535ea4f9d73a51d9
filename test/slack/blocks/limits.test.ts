import type { KnownBlock } from '@slack/types';
import { LIMITS, validateBlocks, validateMessage } from '../../../src/slack/blocks/limits';
import { actions, button, context, header, packSections, section, withThread } from '../../../src/slack/blocks/kit';

const text = (n: number) => 'a'.repeat(n);
const mrkdwnSection = (t: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: t } });

describe('validateBlocks', () => {
  it('accepts a well-formed message', () => {
    const blocks: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'Title' } },
      mrkdwnSection('body'),
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'meta' }] },
      { type: 'divider' },
      { type: 'actions', elements: [{ type: 'button', action_id: 'go', value: 'v', text: { type: 'plain_text', text: 'Go' } }] },
    ];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('counts blocks against the surface limit', () => {
    const blocks = Array.from({ length: 51 }, () => mrkdwnSection('x'));
    expect(validateBlocks(blocks, 'message')).toEqual(['51 blocks > 50 in a message']);
    expect(validateBlocks(blocks, 'home')).toEqual([]);
    expect(validateBlocks(Array.from({ length: 101 }, () => mrkdwnSection('x')), 'home')).toEqual(['101 blocks > 100 in a home']);
  });

  it('finds over-long and empty texts', () => {
    const violations = validateBlocks(
      [
        mrkdwnSection(text(3001)),
        mrkdwnSection(''),
        { type: 'header', text: { type: 'plain_text', text: text(151) } },
        { type: 'header', text: { type: 'mrkdwn', text: 'x' } as never },
        { type: 'section', fields: [{ type: 'mrkdwn', text: text(2001) }] },
      ],
      'message',
    );
    expect(violations).toEqual([
      'blocks[0].text: 3001 characters > 3000',
      'blocks[1].text: empty text',
      'blocks[2].text: 151 characters > 150',
      'blocks[3].text: must be plain_text',
      'blocks[4].fields[0]: 2001 characters > 2000',
    ]);
  });

  it('finds too many fields, context elements, and bad buttons', () => {
    const violations = validateBlocks(
      [
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
        { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'c' })) },
        {
          type: 'actions',
          block_id: text(256),
          elements: [
            { type: 'button', action_id: text(256), value: text(2001), text: { type: 'plain_text', text: text(76) } },
            { type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'a' } },
            { type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'b' } },
          ],
        },
        { type: 'section' } as never,
      ],
      'message',
    );
    expect(violations).toEqual([
      'blocks[0].fields: 11 > 10',
      'blocks[1].elements: 11 > 10',
      'blocks[2].block_id: longer than 255',
      'blocks[2].elements[0].action_id: longer than 255',
      'blocks[2].elements[0].text: 76 characters > 75',
      'blocks[2].elements[0].value: longer than 2000',
      'blocks[2]: duplicate action_id same',
      'blocks[3]: needs text or fields',
    ]);
  });

  it('finds duplicate block ids', () => {
    const block = { ...mrkdwnSection('x'), block_id: 'b' } as KnownBlock;
    expect(validateBlocks([block, block], 'message')).toEqual(['blocks[1].block_id: duplicate b']);
  });
});

describe('validateMessage', () => {
  it('checks the fallback text and every thread reply', () => {
    const violations = validateMessage({
      text: text(LIMITS.messageText + 1),
      blocks: [],
      thread: [{ text: '', blocks: [mrkdwnSection(text(3001))] }],
    });
    expect(violations).toEqual(['text: 40001 characters > 40000', 'thread[0].text: empty', 'thread[0].blocks[0].text: 3001 characters > 3000']);
  });
});

describe('block constructors clip to the limits', () => {
  it('never produce an invalid block, whatever the input', () => {
    const long = '&<>'.repeat(5000);
    const blocks: KnownBlock[] = [
      header(long),
      section(long),
      context(...Array.from({ length: 20 }, () => long)),
      actions(Array.from({ length: 30 }, (_v, i) => button({ text: long, actionId: `a${i}${long}`, value: long }))),
    ];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('packSections fills sections up to the limit and keeps every line', () => {
    const lines = Array.from({ length: 100 }, (_v, i) => `line ${i} ${text(100)}`);
    const blocks = packSections(lines);
    expect(blocks.length).toBe(Math.ceil((100 * 110) / 3000));
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(blocks.map((b) => b.text?.text).join('\n')).toBe(lines.join('\n'));
  });

  it('withThread continues what does not fit in thread replies, keeping the order', () => {
    const body = Array.from({ length: 130 }, (_v, i) => section(`part ${i}`));
    const message = withThread({ text: 'T', head: [header('H')], body, tail: [context('tail')] });
    expect(validateMessage(message)).toEqual([]);
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks[0]).toEqual(header('H'));
    expect(message.blocks[49]).toEqual(context('tail'));
    expect(JSON.stringify(message.blocks[48])).toContain('Continued in the thread (2 replies)');
    const order = [...message.blocks, ...message.thread!.flatMap((m) => m.blocks)]
      .map((b) => (b.type === 'section' ? b.text?.text : undefined))
      .filter(Boolean);
    expect(order).toEqual(body.map((b) => b.text?.text));
  });

  it('withThread leaves a message that fits alone', () => {
    const message = withThread({ text: 'T', head: [], body: [section('one')] });
    expect(message.thread).toBeUndefined();
    expect(message.blocks).toEqual([section('one')]);
  });
});
