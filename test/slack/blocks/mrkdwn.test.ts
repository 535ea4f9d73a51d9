import { authoredMrkdwn, clipMrkdwn, codeSpan, escapeMrkdwn, truncate } from '../../../src/slack/mrkdwn';

const ZWSP = '\u200B';

describe('escapeMrkdwn', () => {
  it.each([
    ['<@U123>', '&lt;@U123&gt;'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<https://evil|click>', '&lt;https://evil|click&gt;'],
    ['<#C123|general>', '&lt;#C123|general&gt;'],
    ['<!subteam^S123|@team>', '&lt;!subteam^S123|@team&gt;'],
  ])('turns %s into text that cannot mention or link', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('escapes & before < and > so that entities are not double-decoded', () => {
    expect(escapeMrkdwn('a & b')).toBe('a &amp; b');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
    expect(escapeMrkdwn('&lt;@U123&gt;')).toBe('&amp;lt;@U123&amp;gt;');
  });

  it.each(['@here', '@channel', '@everyone', '@HERE', 'ping @Channel now'])('breaks the bare broadcast %s with a zero-width space', (input) => {
    const out = escapeMrkdwn(input);
    expect(out).toContain(`@${ZWSP}`);
    expect(out.replace(ZWSP, '')).toBe(input);
    expect(out).not.toMatch(/@(here|channel|everyone)/i);
  });

  it('leaves ordinary at-signs alone', () => {
    expect(escapeMrkdwn('ops@example.com @heres')).toBe('ops@example.com @heres');
  });

  it.each([
    ['*bold*', '∗bold∗'],
    ['_it_', 'ˍitˍ'],
    ['~s~', '∼s∼'],
    ['`code`', 'ˋcodeˋ'],
    ['```block```', 'ˋˋˋblockˋˋˋ'],
  ])('neutralises the formatting of %s with look-alikes', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('keeps other text, emoji and new lines as they are', () => {
    expect(escapeMrkdwn('bucket-1 (eu-west-1): 3 objects 🎉\nnext line')).toBe('bucket-1 (eu-west-1): 3 objects 🎉\nnext line');
  });

  it('handles very long input in linear time and escapes all of it', () => {
    const input = '<!channel>*&'.repeat(100_000);
    const started = Date.now();
    const out = escapeMrkdwn(input);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(out).not.toMatch(/[<>*]/);
    expect(out.match(/&lt;!channel&gt;∗&amp;/g)).toHaveLength(100_000);
  });
});

describe('codeSpan', () => {
  it('keeps underscores and asterisks exactly, since Slack does not format inside code', () => {
    expect(codeSpan('ci_deploy_*')).toBe('`ci_deploy_*`');
  });

  it('escapes entities and mentions inside the span', () => {
    expect(codeSpan('<!here> & @channel')).toBe(`\`&lt;!here&gt; &amp; @${ZWSP}channel\``);
  });

  it('cannot be closed early by a backtick or broken by a new line', () => {
    expect(codeSpan('a`b\nc')).toBe('`aˋb c`');
  });

  it('shows empty text visibly', () => {
    expect(codeSpan('')).toBe('`(empty)`');
  });
});

describe('authoredMrkdwn', () => {
  it('keeps code spans, fenced code and bold, and escapes the prose', () => {
    const out = authoredMrkdwn('**Contain.** Run `aws s3 ls <bucket>` then ping <!channel> for *help*:\n```\necho "a" > b\n```');
    expect(out).toBe('*Contain.* Run `aws s3 ls &lt;bucket&gt;` then ping &lt;!channel&gt; for ∗help∗:\n```\necho "a" &gt; b\n```');
  });

  it('escapes a stray backtick', () => {
    expect(authoredMrkdwn('a ` b')).toBe('a ˋ b');
  });
});

describe('truncate and clipMrkdwn', () => {
  it('truncate ends in an ellipsis within the limit and never splits a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    const cut = truncate('a😀😀', 3);
    expect(cut).toBe('a…');
    expect(cut.length).toBeLessThanOrEqual(3);
  });

  it('clipMrkdwn never ends inside an entity', () => {
    const text = escapeMrkdwn('x&&&&&&&&&&');
    for (let max = 3; max < text.length; max += 1) {
      const clipped = clipMrkdwn(text, max);
      expect(clipped.length).toBeLessThanOrEqual(max);
      expect(clipped).toMatch(/^x(&amp;)*…$/);
    }
  });

  it('clipMrkdwn closes an open code span and drops an unfinished fence', () => {
    expect(clipMrkdwn('see `abcdefghijkl`', 10)).toBe('see `abc`…');
    const fenced = clipMrkdwn('step\n```\nlong command line here\n```', 20);
    expect(fenced).toBe('step\n…');
  });
});
