'use strict';
// Lets plain Node require the TypeScript sources, compiled as the Jest transform compiles them.
const fs = require('node:fs');

function registerTypeScript() {
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}

module.exports = { registerTypeScript };
