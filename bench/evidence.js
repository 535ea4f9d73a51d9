#!/usr/bin/env node
// Evidence pack benchmark: the FTR evidence pack of one account whose last scan has N results
// (default 10,000) spread over the catalog's checks and requirements, with attestations on the
// requirements only a person can evidence and exceptions on some failing resources. Times each part
// (the model, Markdown, CSV, PDF) and the whole pack as `ftr evidence` and `/ftr evidence` build it,
// and records the PDF's size and pages, the longest the event loop is held, and the peak RSS. Prints one JSON line.
// Usage: npm run build && node bench/evidence.js [--results 10000]
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const { catalog } = require('../dist/src/checks/catalog');
const { requirements } = require('../dist/src/core/requirements');
const { decide } = require('../dist/src/store/decisionLog');
const { evidenceCsv, evidenceMarkdown, evidenceModel } = require('../dist/src/report/evidence');
const { evidencePack } = require('../dist/src/report/evidencePack');
const { renderEvidencePdf } = require('../dist/src/report/evidencePdf');
const { round, seededRandom, trackPeakRss } = require('./lib');

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const NOW = new Date('2026-11-01T12:00:00.000Z');
const DAY_MS = 24 * 3600_000;

/** A scan of `count` results: every check at least once, then resources of the automated checks, a third failing. */
function report(count, random) {
  const automated = catalog.filter((c) => c.kind === 'automated');
  const results = catalog.map((check) => ({
    checkId: check.id,
    refs: check.refs,
    status: check.kind === 'attestation' ? 'MANUAL' : 'PASS',
    severity: check.severity,
    accountId: ACCOUNT,
    region: 'global',
    resource: 'account',
    message: check.kind === 'attestation' ? `Needs attestation: record ${check.evidence}, with an owner and an expiry.` : `${check.title}: in place.`,
  }));
  for (let i = results.length; i < count; i += 1) {
    const check = automated[Math.floor(random() * automated.length)];
    const failing = random() < 1 / 3;
    const id = Math.floor(random() * 1e12).toString(36);
    results.push({
      checkId: check.id,
      refs: check.refs,
      status: failing ? 'FAIL' : 'PASS',
      severity: check.severity,
      accountId: ACCOUNT,
      region: REGIONS[i % REGIONS.length],
      resource: `arn:aws:s3:::bench-bucket-${i}-${id}`,
      message: failing ? `Bucket bench-bucket-${i}-${id} allows public read through its policy (statement ${i % 7}).` : `Bucket bench-bucket-${i}-${id} blocks public access.`,
      ...(failing ? { remediation: check.remediation } : {}),
    });
  }
  const summary = { PASS: 0, FAIL: 0, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0, durationMs: 0, awsRequests: { total: 0, byOperation: {} } };
  for (const r of results) summary[r.status] += 1;
  return { schemaVersion: 1, generatedAt: new Date(NOW.getTime() - 3600_000).toISOString(), accounts: [ACCOUNT], regions: REGIONS, summary, results };
}

/** An attestation on every requirement a person evidences (one expired), and an exception on every 20th failure. */
function decisions(scan) {
  const recordedAt = new Date(NOW.getTime() - 30 * DAY_MS).toISOString();
  const attestations = catalog
    .filter((c) => c.kind === 'attestation')
    .flatMap((c) => c.refs)
    .map((requirementId, i) => ({
      accountId: ACCOUNT,
      requirementId,
      evidence: `Documented in the operations handbook, section ${i + 1}, reviewed last month by the security team.`,
      link: `https://wiki.example.com/ftr/${requirementId}`,
      owner: 'U0OWNER001',
      recordedBy: 'U0ADMIN001',
      recordedAt,
      expiresAt: new Date(NOW.getTime() + (i === 0 ? -DAY_MS : 300 * DAY_MS)).toISOString(),
    }));
  const exceptions = scan.results
    .filter((r) => r.status === 'FAIL')
    .filter((_, i) => i % 20 === 0)
    .map((r) => ({ accountId: ACCOUNT, checkId: r.checkId, resource: r.resource, reason: 'Serves a public website by design.', owner: 'U0OWNER002', recordedBy: 'U0ADMIN001', recordedAt, expiresAt: new Date(NOW.getTime() + 90 * DAY_MS).toISOString() }));
  return { attestations, exceptions };
}

const timed = async (work) => {
  const started = performance.now();
  const value = await work();
  return { value, ms: round(performance.now() - started) };
};

async function main() {
  const { values } = parseArgs({ options: { results: { type: 'string', default: '10000' } } });
  const count = Number(values.results);
  const scan = report(count, seededRandom(11));
  const recorded = decisions(scan);
  const memory = trackPeakRss(5);

  const input = { report: decide(scan, recorded, NOW), decisions: recorded, requirements: requirements(), checks: catalog, now: NOW, accountId: ACCOUNT };
  const model = await timed(() => evidenceModel(input));
  const markdown = await timed(() => evidenceMarkdown(model.value));
  const csv = await timed(() => evidenceCsv(input.report.results));
  const pdf = await timed(() => renderEvidencePdf(model.value));
  // The longest the event loop is held while the whole pack is built: the Slack app builds it in-process.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const pack = await timed(() => evidencePack(input));
  loop.disable();
  const { peakRssMiB, rssGrowthMiB } = memory.stop();

  const pages = (pack.value.pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
  process.stdout.write(
    `${JSON.stringify({
      results: scan.results.length,
      exceptions: recorded.exceptions.length,
      attestations: recorded.attestations.length,
      modelMs: model.ms,
      markdownMs: markdown.ms,
      csvMs: csv.ms,
      pdfMs: pdf.ms,
      packMs: pack.ms,
      eventLoopMaxBlockMs: round(loop.max / 1e6),
      markdownKiB: round(Buffer.byteLength(markdown.value) / 1024),
      csvKiB: round(Buffer.byteLength(csv.value) / 1024),
      pdfKiB: round(pdf.value.length / 1024),
      pdfPages: pages,
      peakRssMiB,
      maxRssMiB: round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
      rssGrowthMiB,
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`bench/evidence: ${err.stack ?? err}\n`);
  process.exit(1);
});
