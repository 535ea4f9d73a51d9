/**
 * Text that goes into Slack mrkdwn. Anything from users or from AWS (names, tags, policy text,
 * messages) passes through `escapeMrkdwn` or `codeSpan`, so it can neither ping people, nor form
 * links, nor change formatting.
 */

const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Look-alikes for the characters that open or close mrkdwn formatting. Look-alikes rather than
 * invisible joiners: Slack treats some zero-width characters as word boundaries (which can
 * *enable* formatting), and a visible substitute never sneaks an invisible character into
 * something a reader copies.
 */
const FORMATTING_LOOKALIKES: Record<string, string> = {
  '*': '\u2217', // ∗ ASTERISK OPERATOR
  _: '\u02CD', // ˍ MODIFIER LETTER LOW MACRON
  '~': '\u223C', // ∼ TILDE OPERATOR
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT
};

/** `&`, `<`, `>` as the entities Slack decodes, so no `<@U…>`, `<!here>` or `<url|label>` can form. */
function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Bare `@channel`, `@here`, `@everyone` broken with a zero-width space, in case the message is parsed with link_names. */
function breakBroadcasts(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, (_m, word: string) => `@${ZERO_WIDTH_SPACE}${word}`);
}

/** Untrusted text, made inert for a mrkdwn text object: entities escaped, formatting and broadcasts neutralised. */
export function escapeMrkdwn(text: string): string {
  return breakBroadcasts(escapeEntities(text).replace(/[*_~`]/g, (c) => FORMATTING_LOOKALIKES[c]));
}

/**
 * Untrusted text shown as inline code: Slack does not format inside code, so `_` and `*` stay
 * as they are (a resource name can be copied exactly). Backticks, which would end the span, and
 * line breaks, which Slack does not allow inside one, are replaced.
 */
export function codeSpan(text: string): string {
  const inner = breakBroadcasts(escapeEntities(text.replace(/`/g, FORMATTING_LOOKALIKES['`']).replace(/\s*[\r\n]+\s*/g, ' ')));
  return inner.trim() === '' ? '`(empty)`' : `\`${inner}\``;
}

/**
 * Text written by this project (remediations, runbook steps) in a small markdown subset:
 * `code`, ```fenced code``` and **bold** keep their meaning; everything else is escaped like
 * untrusted text, so a runbook can never ping anyone or form a link by accident.
 */
export function authoredMrkdwn(text: string): string {
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]+`|\*\*[^*\n]+\*\*)/g);
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeMrkdwn(part);
      if (part.startsWith('```')) return `\`\`\`${breakBroadcasts(escapeEntities(part.slice(3, -3)))}\`\`\``;
      if (part.startsWith('**')) return `*${escapeMrkdwn(part.slice(2, -2))}*`;
      return codeSpan(part.slice(1, -1));
    })
    .join('');
}

/**
 * At most `max` characters of raw (not yet escaped) text, ending in `…` when cut; never splits a
 * surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * At most `max` characters of already-formatted mrkdwn, ending in `…` when cut: never inside an
 * entity such as `&amp;`, and an inline code span left open is closed.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  // Room for a closing backtick and the ellipsis.
  let clipped = truncate(text, max - 1).slice(0, -1).replace(/&[a-z]{0,3}$/, '');
  if ((clipped.split('```').length - 1) % 2 === 1) clipped = clipped.slice(0, clipped.lastIndexOf('```'));
  const ticks = (clipped.replace(/```/g, '').match(/`/g) ?? []).length;
  return ticks % 2 === 1 ? `${clipped}\`…` : `${clipped}…`;
}
