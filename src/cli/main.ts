import { Command, InvalidArgumentError } from 'commander';
import { catalog } from '../checks/catalog';
import { ConfigError, loadAppConfig } from '../config/load';
import { FORMATS, formatReport, type ReportFormat } from '../report/format';
import { scanPolicy } from '../engine/permissions';
import { serve } from '../serve';
import { initStore, openStoreAsync } from '../store';
import { defaultHomeRegion } from '../aws/account';
import { catalogRows, formatCatalog } from './catalogCommand';
import { ambientAccountId, DEFAULT_SINCE_DAYS, HistoryReadError, historyText, parseAccountId, parseHistoryFormat, parseSince, type HistoryFormat } from './historyCommand';
import { scanAccount, ScanSetupError } from '../engine/scanAccount';
import { checkOutputPath, parseRegionList, scanConfigured, withRecordedDecisions, writeOutput } from './scanCommand';
import { DEFAULT_EVIDENCE_DIR, EvidenceCommandError, writeEvidence } from './evidenceCommand';
import { requirements } from '../core/requirements';
import { AccountsCommandError, addAccount, currentUser, listAccounts, parseRoleArn, parseRoleName, type AccountsContext } from './accountsCommand';

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
    .description('scan the account of the ambient AWS credentials (and every account the configuration names, through roles) and print a report')
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
      const scan = config.accounts.length > 0 || config.organization.scanMembers ? scanConfigured : scanAccount;
      const scanned = await scan({ config, regions, onProgress: progress.update }).finally(progress.clear);
      const report = await withRecordedDecisions(scanned, now());
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

  program
    .command('evidence')
    .description('write the FTR evidence pack (evidence.md, evidence.pdf, results.csv) of the last scan in the store STORE_URL names, with its attestations and exceptions')
    .option('--output <dir>', `the directory to write the three files into (created mode 0700 when missing; default ./${DEFAULT_EVIDENCE_DIR}/)`)
    .option('--account <id>', 'the 12-digit account id (default: the account of the ambient AWS credentials)', parseAccountId)
    .option('--force', 'overwrite the files when they exist')
    .action(async (opts: { output?: string; account?: string; force?: boolean }) => {
      const text = await writeEvidence(
        { outputDir: opts.output, accountId: opts.account, force: opts.force === true },
        { now, storeUrl: process.env.STORE_URL, checks: catalog, requirements: requirements(), ambientAccountId: () => ambientAccountId() },
      );
      process.stdout.write(text);
    });

  const accounts = program.command('accounts').description('the accounts the bot scans through their scanner roles, with the external IDs it generated');
  const withAccounts = async (work: (ctx: AccountsContext) => Promise<string>) => {
    const config = loadAppConfig();
    const store = await openStoreAsync(process.env.STORE_URL);
    try {
      process.stdout.write(await work({ store, config, homeRegion: defaultHomeRegion(), now, actor: `cli:${currentUser()}` }));
    } finally {
      await store.close();
    }
  };
  accounts
    .command('add')
    .description('generate and store the external ID of an account, and print how to deploy its scanner role (deploy/scanner-role.yaml)')
    .argument('<id>', 'the 12-digit account id', parseAccountId)
    .option('--role-name <name>', 'the scanner role\'s name in that account (default: organization.roleName, ftr-bot-scanner)', parseRoleName)
    .option('--bot-role-arn <arn>', 'the bot\'s task role, which the scanner role trusts (printed as BotTaskRoleArn)', parseRoleArn)
    .option('--rotate', 'replace the account\'s external ID (then redeploy its scanner role with the new one)')
    .action(async (accountId: string, opts: { roleName?: string; botRoleArn?: string; rotate?: boolean }) => {
      await withAccounts((ctx) => addAccount({ accountId, ...opts }, ctx));
    });
  accounts
    .command('list')
    .description('list the accounts with their scanner roles and external IDs (masked but for the last 4 characters)')
    .action(async () => {
      await withAccounts((ctx) => listAccounts(ctx));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : (e.exitCode ?? 1);
    }
    if (err instanceof ScanSetupError || err instanceof ConfigError || err instanceof HistoryReadError || err instanceof AccountsCommandError || err instanceof EvidenceCommandError) {
      process.stderr.write(`ftr: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return exitCode;
}
