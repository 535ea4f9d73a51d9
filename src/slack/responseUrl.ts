import type { SlackMessage } from './blocks';

const RESPONSE_URL_TIMEOUT_MS = 10_000;

export interface ResponseUrlBody {
  response_type: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks: SlackMessage['blocks'];
}

/** POSTs a message to a slash command's or an interaction's `response_url`. */
export async function postToResponseUrl(url: string, body: ResponseUrlBody): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
  });
  // Slack answers 200 with a short text; an expired or overused URL answers 404 or 410.
  if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}: ${(await res.text()).slice(0, 100)}`);
}
