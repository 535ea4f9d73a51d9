#!/usr/bin/env node
'use strict';
// The SDK's notice about future Node versions is noise on every CLI run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('../dist/src/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`ftr: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
