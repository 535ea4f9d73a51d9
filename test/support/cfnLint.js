// Installs cfn-lint into a virtualenv under .cache/ on first use, as moto.js does for moto, and runs it.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const CFN_LINT_VERSION = '1.58.0';
const root = path.resolve(__dirname, '..', '..');
const venv = path.join(root, '.cache', `cfn-lint-${CFN_LINT_VERSION}`);
const executable = path.join(venv, 'bin', 'cfn-lint');

/** The cfn-lint executable, installed when missing; resolves to its path. */
function ensureCfnLint() {
  const marker = path.join(venv, '.installed');
  if (existsSync(marker)) return executable;
  mkdirSync(path.dirname(venv), { recursive: true });
  process.stderr.write(`Installing cfn-lint==${CFN_LINT_VERSION} into ${path.relative(root, venv)} …\n`);
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  const python = path.join(venv, 'bin', 'python');
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `cfn-lint==${CFN_LINT_VERSION}`], { stdio: 'inherit' });
  execFileSync('touch', [marker]);
  return executable;
}

/**
 * Lints templates with every rule, informational ones included; resolves to cfn-lint's exit
 * status (0: clean) and its findings, one per line.
 */
function cfnLint(templates) {
  const run = spawnSync(ensureCfnLint(), ['--format', 'parseable', '--include-checks', 'I', '--', ...templates], { cwd: root, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

module.exports = { CFN_LINT_VERSION, ensureCfnLint, cfnLint };
