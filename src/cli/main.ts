import { Command, InvalidArgumentError } from 'commander';
import { catalog } from '../checks/catalog';
import { ConfigError, loadAppConfig } from '../config/load';
import { FORMATS, formatReport, type ReportFormat } from '../report/format';
import { scanPolicy } from '../engine/permissions';
import { serve } from '../serve';
import { initStore } from '../store';
import { catalogRows, formatCatalog } from './catalogCommand';
import { ambientAccountId, DEFAULT_SINCE_DAYS, HistoryReadError, historyText, parseAccountId, parseHistoryFormat, parseSince, type HistoryFormat } from './historyCommand';
import { scanAccount, ScanSetupError } from '../engine/scanAccount';
import { checkOutputPath, parseRegionList, writeOutput } from './scanCommand';

function parseFormat(value: string): ReportFormat {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`use one of ${FORMATS.join(', ')}`);
  }
  return value as ReportFormat;
}

/** A progress line on stderr, redrawn in place; only on a TTY. */
function progressLine(stream: NodeJS.WriteStream) {
  if (!stream.isTTY) return { update: undefined, clear: () => undefined };
  return {
    update: ({ done, total }: { done: number; total: number }) => {
      stream.write(`\rScanning: ${done}/${total} checks (${Math.floor((done / total) * 100)}%)`);
    },
    clear: () => stream.write('\r\x1b[K'),
  };
}

/** Runs the CLI; resolves to the exit code. `now` is the clock relative times are read against. */
export async function main(argv: string[], options: { now?: () => Date } = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  let exitCode = 0;
  const program = new Command()
    .name('ftr')
    .description('AWS Foundational Technical Review readiness: scan, report, and the Slack app')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('scan')
    .description('scan the account of the ambient AWS credentials and print a report')
    .option('--regions <list>', 'comma-separated regions (default: FTR_REGIONS, else every enabled region)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, parseFormat, 'table')
    .option('--output <file>', 'write the report to FILE (mode 0600) instead of stdout')
    .option('--force', 'overwrite the --output file when it exists')
    .option('--fail-on-findings', 'exit with code 2 when any check fails or errors (for CI)')
    .action(async (opts: { regions?: string; format: ReportFormat; output?: string; force?: boolean; failOnFindings?: boolean }) => {
      const config = loadAppConfig();
      if (opts.output) checkOutputPath(opts.output, opts.force === true);
      const regionText = opts.regions ?? process.env.FTR_REGIONS;
      const regions = regionText ? parseRegionList(regionText) : undefined;
      const progress = progressLine(process.stderr);
      const report = await scanAccount({ config, regions, onProgress: progress.update }).finally(progress.clear);
      writeOutput(formatReport(report, opts.format, { color: !opts.output && Boolean(process.stdout.isTTY) }), opts.output, opts.force === true);
      if (opts.failOnFindings && report.summary.FAIL + report.summary.ERROR > 0) exitCode = 2;
    });

  program
    .command('catalog')
    .description('list every requirement ID with the checks that evidence it')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = catalogRows(catalog);
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatCatalog(rows));
    });

  program
    .command('permissions')
    .description('print the least-privilege IAM policy (JSON) the scan needs: the union of every check\'s actions')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scanPolicy(catalog), null, 2)}\n`);
    });

  program
    .command('serve')
    .description('run the Slack app (configured from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, …)')
    .action(async () => {
      exitCode = await serve();
      // Whatever still holds the event loop (keep-alive sockets, a scan past the grace period) must not delay the exit.
      setTimeout(() => process.exit(exitCode), 2_000).unref();
    });

  program
    .command('store')
    .description('manage the store STORE_URL names')
    .command('init')
    .description('create what STORE_URL names when it is missing (the SQLite file, the DynamoDB table); idempotent')
    .action(async () => {
      process.stdout.write(`${await initStore(process.env.STORE_URL)}\n`);
    });

  program
    .command('history')
    .description('print the scan history the Slack app (ftr serve) recorded in the store STORE_URL names, oldest first')
    .option('--since <when>', `an ISO date or time (2026-11-01, 2026-11-01T09:00Z) or a span back from now (24h, 7d, 12w); default ${DEFAULT_SINCE_DAYS}d`, (v) => parseSince(v, now()))
    .option('--account <id>', 'the 12-digit account id (default: the account of the ambient AWS credentials)', parseAccountId)
    .option('--format <format>', 'output format: table, json', parseHistoryFormat, 'table')
    .action(async (opts: { since?: Date; account?: string; format: HistoryFormat }) => {
      const text = await historyText(
        { accountId: opts.account, since: opts.since, format: opts.format },
        { now, storeUrl: process.env.STORE_URL, checks: catalog, ambientAccountId: () => ambientAccountId() },
      );
      process.stdout.write(text);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : (e.exitCode ?? 1);
    }
    if (err instanceof ScanSetupError || err instanceof ConfigError || err instanceof HistoryReadError) {
      process.stderr.write(`ftr: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return exitCode;
}
