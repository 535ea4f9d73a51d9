'use strict';
const { startMoto } = require('./moto');

module.exports = async function globalSetup(globalConfig) {
  const count = Math.max(1, globalConfig.maxWorkers || 1);
  const servers = [];
  for (let i = 0; i < count; i += 1) servers.push(await startMoto());
  globalThis.__MOTO_SERVERS__ = servers;
  // Workers start after this and inherit the environment.
  process.env.FTR_TEST_MOTO_URLS = servers.map((s) => s.url).join(',');
};
