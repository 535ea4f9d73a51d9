#!/usr/bin/env node
'use strict';
// Rewrites the README's permissions section from the catalog, so the documented policy is the one the scan needs.
const fs = require('node:fs');
const path = require('node:path');
const { catalog } = require('../dist/src/checks/catalog');
const { scanPolicy } = require('../dist/src/engine/permissions');

const readme = path.join(__dirname, '..', 'README.md');
const begin = '<!-- permissions:begin -->';
const end = '<!-- permissions:end -->';
const text = fs.readFileSync(readme, 'utf8');
const from = text.indexOf(begin);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} section`);
const section = `${begin}\n\`\`\`json\n${JSON.stringify(scanPolicy(catalog), null, 2)}\n\`\`\`\n`;
fs.writeFileSync(readme, text.slice(0, from) + section + text.slice(to));
