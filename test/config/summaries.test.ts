import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { refusal } from './refusal';
import { loadAppConfig, parseAppConfig } from '../../src/config/load';

/** The example of the configuration contract. */
const CONTRACT_EXAMPLE = 'summaries: [{ channel: C0POSTURE1, cron: "0 9 * * 1", timezone: Europe/Berlin }]\n';

const schedule = (fields: Record<string, unknown> = {}) => ({ channel: 'C0POSTURE1', cron: '0 9 * * 1', ...fields });

describe('summaries and history in the configuration', () => {
  it('accepts the contract example', () => {
    expect(parseAppConfig(parseYaml(CONTRACT_EXAMPLE)).summaries).toEqual([{ channel: 'C0POSTURE1', cron: '0 9 * * 1', timezone: 'Europe/Berlin' }]);
  });

  it('reads the contract example from FTR_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftr-config-'));
    try {
      const file = join(dir, 'ftr.yaml');
      writeFileSync(file, CONTRACT_EXAMPLE);
      expect(loadAppConfig({ FTR_CONFIG: file }).summaries).toEqual([{ channel: 'C0POSTURE1', cron: '0 9 * * 1', timezone: 'Europe/Berlin' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no schedules and keeps history 400 days by default', () => {
    const config = parseAppConfig({});
    expect(config.summaries).toEqual([]);
    expect(config.history).toEqual({ retentionDays: 400 });
    expect(parseAppConfig(undefined).history.retentionDays).toBe(400);
  });

  it('defaults the time zone to UTC', () => {
    expect(parseAppConfig({ summaries: [schedule()] }).summaries[0].timezone).toBe('UTC');
  });

  it('accepts private channels, a seconds field, UTC and several schedules', () => {
    const config = parseAppConfig({
      summaries: [schedule({ channel: 'G0PRIVATE1', cron: '0 0 8 * * 1-5', timezone: 'UTC' }), schedule({ cron: '0 9 1 * *', timezone: 'America/New_York' })],
      history: { retentionDays: 30 },
    });
    expect(config.summaries.map((s) => s.channel)).toEqual(['G0PRIVATE1', 'C0POSTURE1']);
    expect(config.history.retentionDays).toBe(30);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a channel name instead of an id', { summaries: [schedule({ channel: '#posture' })] }, 'summaries.0.channel', /channel ID/],
    ['a cron expression of 4 fields', { summaries: [schedule({ cron: '0 9 * *' })] }, 'summaries.0.cron', /4 field/],
    ['minute 61', { summaries: [schedule({ cron: '61 * * * *' })] }, 'summaries.0.cron', /"61 \* \* \* \*" is not a valid cron expression/],
    ['an unknown time zone', { summaries: [schedule({ timezone: 'Mars/Base' })] }, 'summaries.0.timezone', /IANA time zone/],
    ['an unknown key in a schedule', { summaries: [schedule({ chanel: 'C0POSTURE1' })] }, 'summaries.0', /chanel/],
    ['a retention of 0 days', { history: { retentionDays: 0 } }, 'history.retentionDays', />=1/],
    ['a retention of part of a day', { history: { retentionDays: 1.5 } }, 'history.retentionDays', /int/],
    ['an unknown key in history', { history: { retention: 30 } }, 'history', /retention/],
    ['summaries that are not a list', { summaries: schedule() }, 'summaries', /array/i],
  ])('refuses %s with one line naming the setting', (_what, raw, path, detail) => {
    const message = refusal(raw);
    expect(message).not.toContain('\n');
    expect(message.startsWith(`configuration: ${path}: `)).toBe(true);
    expect(message).toMatch(detail);
  });

  it('names the schedule that is wrong', () => {
    expect(refusal({ summaries: [schedule(), schedule({ cron: 'every monday' })] })).toMatch(/^configuration: summaries\.1\.cron: /);
  });

  it('names the file the setting came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftr-config-'));
    try {
      const file = join(dir, 'ftr.yaml');
      writeFileSync(file, 'summaries:\n  - channel: posture\n    cron: "0 9 * * 1"\n');
      expect(() => loadAppConfig({ FTR_CONFIG: file })).toThrow(`FTR_CONFIG ${file}: summaries.0.channel: `);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
