'use strict';

/** Stops the moto servers and waits for them, so Jest's process has nothing left to wait on. */
module.exports = async function globalTeardown() {
  await Promise.all(
    (globalThis.__MOTO_SERVERS__ || []).map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.stderr?.destroy();
          child.kill('SIGTERM');
        }),
    ),
  );
};
