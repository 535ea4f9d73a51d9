import type { AlertRecord, Store } from '../store';
import type { AlertObservation } from './types';

/** Event ids remembered per alert: enough to recognise a redelivered message. */
const REMEMBERED_EVENTS = 20;
/** Thread replies waiting to be posted under one card (older ones give way to newer). */
const PENDING_NOTES = 5;
/** Attempts at a conditional write before giving up (each retry reads the record again). */
const WRITE_ATTEMPTS = 20;

/** What to change in a record, decided from the record as stored now; undefined: nothing. */
export type RecordChange = (current: AlertRecord) => AlertRecord | undefined;

/**
 * Reads the record, applies `change` and writes it conditionally, again and again until no other
 * writer got in between. Resolves to the record as written (or as found, when nothing changed).
 */
export async function updateAlert(store: Store, key: string, change: RecordChange): Promise<AlertRecord | undefined> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
    const current = await store.getAlert(key);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return current;
    const written = { ...next, key, rev: current.rev + 1 };
    if (await store.putAlert(written, current.rev)) return written;
  }
  throw new Error(`alert ${key}: gave up after ${WRITE_ATTEMPTS} conflicting writes`);
}

/** The record a first observation creates. */
export function newAlertRecord(input: { observation: AlertObservation; eventId: string; channel?: string; now: Date; escalateAfterMs?: number; drillId?: string }): AlertRecord {
  const { observation, now } = input;
  return {
    key: observation.key,
    rev: 1,
    contentRev: 1,
    cardRev: 0,
    state: 'open',
    alert: observation,
    createdAt: now.toISOString(),
    ...(input.channel ? { channel: input.channel } : {}),
    eventIds: [input.eventId],
    notes: [],
    escalations: 0,
    ...(input.escalateAfterMs !== undefined ? { nextEscalationAt: new Date(now.getTime() + input.escalateAfterMs).toISOString() } : {}),
    ...(input.drillId ? { drillId: input.drillId } : {}),
  };
}

function earlier(a: string, b: string): string {
  return a < b ? a : b;
}

function withNote(notes: readonly string[], note: string | undefined): string[] {
  return note ? [...notes, note].slice(-PENDING_NOTES) : [...notes];
}

/**
 * A later observation of an alert merged into its record, or undefined when it changes nothing:
 * an event already applied (a redelivered message), or one older than what the card shows.
 */
export function mergeObservation(record: AlertRecord, observation: AlertObservation, eventId: string, now: Date, escalateAfterMs?: number): AlertRecord | undefined {
  if (record.eventIds.includes(eventId)) return undefined;
  const previous = record.alert;
  const resolves = observation.resolved === true;
  const stateChanges = resolves ? record.state !== 'resolved' : record.state === 'resolved';
  // Equal versions change something only when they disagree about whether it is over.
  if (observation.version < previous.version || (observation.version === previous.version && !stateChanges)) return undefined;
  const count = observation.source === 's3-public' ? previous.count + (resolves ? 0 : 1) : Math.max(observation.count, previous.count);
  const alert: AlertObservation = { ...observation, firstSeen: earlier(previous.firstSeen, observation.firstSeen), count, resolved: undefined };
  const base = { ...record, alert, contentRev: record.contentRev + 1, eventIds: [...record.eventIds, eventId].slice(-REMEMBERED_EVENTS) };
  if (resolves && stateChanges) {
    return { ...base, state: 'resolved', resolvedBy: 'aws', resolvedAt: now.toISOString(), nextEscalationAt: undefined, notes: withNote(record.notes, `Resolved: ${observation.title}`) };
  }
  if (!resolves && stateChanges) {
    return {
      ...base,
      state: 'open',
      acknowledgedBy: undefined,
      acknowledgedAt: undefined,
      resolvedBy: undefined,
      resolvedAt: undefined,
      escalations: 0,
      nextEscalationAt: escalateAfterMs !== undefined ? new Date(now.getTime() + escalateAfterMs).toISOString() : undefined,
      notes: withNote(record.notes, `Reopened: ${observation.title}`),
    };
  }
  const note = resolves ? undefined : count > previous.count ? `Seen again (${count} times), last at ${observation.lastSeen}: ${observation.title}` : `Updated: ${observation.title}`;
  return { ...base, notes: withNote(record.notes, note) };
}

/** Acknowledge: only an open alert; undefined when it is not open any more. */
export function acknowledged(record: AlertRecord, userId: string, now: Date): AlertRecord | undefined {
  if (record.state !== 'open') return undefined;
  return { ...record, state: 'acknowledged', acknowledgedBy: userId, acknowledgedAt: now.toISOString(), nextEscalationAt: undefined, contentRev: record.contentRev + 1 };
}

/** Resolve: an open or acknowledged alert; undefined when it is resolved already. */
export function resolved(record: AlertRecord, userId: string, now: Date): AlertRecord | undefined {
  if (record.state === 'resolved') return undefined;
  return { ...record, state: 'resolved', resolvedBy: userId, resolvedAt: now.toISOString(), nextEscalationAt: undefined, contentRev: record.contentRev + 1 };
}
