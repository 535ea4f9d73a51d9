import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The commands in the README's fenced `sh` blocks of "Two commands", in order. */
function readmeCommands(): string[] {
  const section = read('README.md').split(/^## /m).find((s) => s.startsWith('Two commands'))!;
  return [...section.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1].trim());
}

describe('the reproducible install', () => {
  it('has the README run and test with npm ci, and .ci/run run exactly the test command', () => {
    const [run, test] = readmeCommands();
    expect(run).toBe('npm ci && npm start');
    expect(test).toBe('npm ci && npm test');
    const ciLines = read('.ci/run').split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(ciLines).toEqual([test]);
  });

  it('keeps the lock in step with package.json and records other platforms\' native binaries, so npm ci accepts it anywhere', () => {
    const pkg = JSON.parse(read('package.json'));
    const lock = JSON.parse(read('package-lock.json'));
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    const root = lock.packages[''];
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
    // A lock written over an existing node_modules/ keeps only this machine's binaries.
    for (const binary of ['@swc/core-linux-x64-gnu', '@swc/core-linux-arm64-gnu', '@swc/core-darwin-arm64', '@swc/core-win32-x64-msvc']) {
      expect(lock.packages[`node_modules/${binary}`]).toBeDefined();
    }
  });
});
