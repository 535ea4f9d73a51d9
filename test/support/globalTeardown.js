'use strict';

module.exports = async function globalTeardown() {
  for (const { child } of globalThis.__MOTO_SERVERS__ || []) child.kill('SIGTERM');
};
