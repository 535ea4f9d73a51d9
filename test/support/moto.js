// Installs moto's server into a virtualenv under .cache/ and starts one server per Jest worker.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const MOTO_VERSION = '5.2.5';
const root = path.resolve(__dirname, '..', '..');
const venv = path.join(root, '.cache', `moto-${MOTO_VERSION}`);
const python = path.join(venv, 'bin', 'python');

function ensureMoto() {
  const marker = path.join(venv, '.installed');
  if (existsSync(marker)) return python;
  mkdirSync(path.dirname(venv), { recursive: true });
  process.stderr.write(`Installing moto[server]==${MOTO_VERSION} into ${path.relative(root, venv)} …\n`);
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`], {
    stdio: 'inherit',
  });
  execFileSync('touch', [marker]);
  return python;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url, child, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto server at ${url} did not start within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * moto's server handles requests on several threads, and its DynamoDB conditional writes check the
 * condition and write without a lock, so two concurrent writes can both pass a condition that
 * DynamoDB itself would let only one pass. The stores rely on DynamoDB's behaviour (one claim,
 * one lease holder), so the server is started with its item writes serialized, as DynamoDB
 * serializes the writes of one item.
 */
const SERVE_WITH_ATOMIC_DYNAMODB_WRITES = `
import sys, threading
from moto.dynamodb.models import DynamoDBBackend
lock = threading.RLock()
def serialized(write):
    def locked(self, *args, **kwargs):
        with lock:
            return write(self, *args, **kwargs)
    return locked
for name in ('put_item', 'update_item', 'delete_item', 'transact_write_items'):
    setattr(DynamoDBBackend, name, serialized(getattr(DynamoDBBackend, name)))
from moto.server import main
main(sys.argv[1:])
`;

/** Starts a moto server on a free loopback port; resolves to { url, child }. */
async function startMoto() {
  const py = ensureMoto();
  const port = await freePort();
  const child = spawn(py, ['-c', SERVE_WITH_ATOMIC_DYNAMODB_WRITES, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_CALL_RESET_API: 'true' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, 60000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr}`);
  }
  return { url, child };
}

module.exports = { ensureMoto, startMoto };
