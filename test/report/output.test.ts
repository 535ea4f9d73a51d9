import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputPath, writeOutput } from '../../src/cli/scanCommand';
import { ScanSetupError } from '../../src/engine/scanAccount';
import { formatTable, printable } from '../../src/report/format';
import { smallReport } from '../slack/fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ftr-output-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('--output creates the report readable by its owner only', () => {
  const file = join(dir, 'report.json');
  writeOutput('{}\n', file);
  expect(readFileSync(file, 'utf8')).toBe('{}\n');
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test('--output refuses to overwrite without --force, and with --force makes the file private too', () => {
  const file = join(dir, 'report.json');
  writeFileSync(file, 'old', { mode: 0o644 });
  expect(() => checkOutputPath(file, false)).toThrow(new ScanSetupError(`--output: ${file} exists; add --force to overwrite it`));
  expect(() => writeOutput('new', file)).toThrow(/exists; add --force/);
  expect(readFileSync(file, 'utf8')).toBe('old');
  writeOutput('new', file, true);
  expect(readFileSync(file, 'utf8')).toBe('new');
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test('--output never follows a symbolic link, even with --force', () => {
  const target = join(dir, 'elsewhere');
  writeFileSync(target, 'keep');
  const link = join(dir, 'report.json');
  symlinkSync(target, link);
  expect(() => writeOutput('x', link, true)).toThrow(/is a symbolic link; refusing to follow it/);
  expect(readFileSync(target, 'utf8')).toBe('keep');
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
});

test('the table strips terminal control sequences from AWS text', () => {
  const report = smallReport();
  report.results[0].message = 'Bucket \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 is \x1b[31mred\x1b[0m\x07 here';
  report.results[0].resource = 'arn:aws:iam::123456789012:user/al\x1b[2Jice';
  const table = formatTable(report, { color: false });
  expect([...table].filter((c) => c !== '\n' && (c < ' ' || (c >= '\x7f' && c <= '\x9f')))).toEqual([]);
  expect(table).toContain('Bucket click is red here');
  expect(table).toContain('user/alice');
  expect(printable('tab\tand newline\nstay')).toBe('tab\tand newline\nstay');
});
