#!/usr/bin/env node
'use strict';
// Writes the scan policy (what `npx ftr permissions` prints) into the CloudFormation templates under
// deploy/, between their `scan-policy:begin` and `scan-policy:end` comments, so that the roles the
// templates create grant exactly what the checks declare. `--check` only reports templates that differ.
const fs = require('node:fs');
const path = require('node:path');

const TEMPLATES = ['deploy/ftr-bot.yaml', 'deploy/scanner-role.yaml'];
const BEGIN = /^( *)# scan-policy:begin\b.*$/m;
const END = /^ *# scan-policy:end\b.*$/m;

/** `statement` as the YAML list item the templates hold, indented by `indent`. */
function statementYaml(statement, indent) {
  return [
    `- Sid: ${statement.Sid}`,
    `  Effect: ${statement.Effect}`,
    '  Action:',
    ...statement.Action.map((action) => `    - ${action}`),
    `  Resource: '${statement.Resource}'`,
  ]
    .map((line) => `${indent}${line}\n`)
    .join('');
}

/** `template` with the statement between its markers replaced by `statement`; throws when the markers are missing. */
function withScanStatement(template, statement) {
  const begin = BEGIN.exec(template);
  if (!begin) throw new Error('no "# scan-policy:begin" line');
  const from = begin.index + begin[0].length + 1;
  const end = END.exec(template.slice(from));
  if (!end) throw new Error('no "# scan-policy:end" line after "# scan-policy:begin"');
  return template.slice(0, from) + statementYaml(statement, begin[1]) + template.slice(from + end.index);
}

function main(argv) {
  const check = argv.includes('--check');
  const { catalog } = require('../dist/src/checks/catalog');
  const { scanPolicy } = require('../dist/src/engine/permissions');
  const [statement] = scanPolicy(catalog).Statement;
  const stale = [];
  for (const relative of TEMPLATES) {
    const file = path.join(__dirname, '..', relative);
    const text = fs.readFileSync(file, 'utf8');
    const updated = withScanStatement(text, statement);
    if (updated === text) continue;
    stale.push(relative);
    if (!check) fs.writeFileSync(file, updated);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`The scan policy in ${stale.join(', ')} differs from the checks' actions: run npm run build && node scripts/deploy-policy.js\n`);
    return 1;
  }
  if (!check && stale.length > 0) process.stdout.write(`Updated ${stale.join(', ')}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { TEMPLATES, withScanStatement };
