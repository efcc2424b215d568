#!/usr/bin/env node
/**
 * `npm run audit:electron`: Electronegativity over src/, offline, failing on any HIGH or MEDIUM
 * finding that the committed allow-list (.electronegativity.json) does not name with a reason.
 *
 * Offline: the Electron version is pinned from node_modules/electron (no detection guesswork), the
 * one check that downloads Electron's release list is excluded, and the HTTP client the tool uses
 * for that and for fetching translations is stubbed so nothing reaches the network.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ALLOW_LIST = join(root, '.electronegativity.json');
const FAILING = new Set(['HIGH', 'MEDIUM']);
/** Downloads https://raw.githubusercontent.com/electron/releases; covered by pinning and upgrading Electron. */
const ONLINE_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

function stubNetwork() {
  const toolRequire = createRequire(require.resolve('@doyensec/electronegativity/dist/runner.js'));
  const gotPath = toolRequire.resolve('got');
  const offline = () => Promise.reject(new Error('network disabled by scripts/audit-electron.mjs'));
  offline.head = offline;
  offline.get = offline;
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = Object.assign(offline, { default: offline });
  require.cache[gotPath] = stub;
}

function loadAllowList() {
  const parsed = JSON.parse(readFileSync(ALLOW_LIST, 'utf8'));
  const entries = Array.isArray(parsed.allow) ? parsed.allow : [];
  for (const entry of entries) {
    if (typeof entry.id !== 'string' || typeof entry.file !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new Error(`${relative(root, ALLOW_LIST)}: every entry needs "id", "file" and a non-empty "reason"; got ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}

async function main() {
  stubNetwork();
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const allow = loadAllowList();
  const run = require('@doyensec/electronegativity');
  const input = join(root, 'src');
  // The tool prints progress through console.log even when used as a library; keep our output readable.
  const log = console.log;
  console.log = () => {};
  let result;
  try {
    result = await run({ input, electronVersionOverride: electronVersion, excludeFromScan: ONLINE_CHECKS, isRelative: true });
  } finally {
    console.log = log;
  }

  const parseErrors = result.errors.filter((e) => !e.tolerable);
  for (const e of parseErrors) console.error(`could not parse ${e.file}: ${e.message}`);

  const used = new Set();
  const failing = [];
  for (const issue of result.issues) {
    const file = `src/${issue.file.replaceAll('\\', '/')}`;
    const where = `${file}:${issue.location.line}:${issue.location.column}`;
    const label = `${issue.severity.name}/${issue.confidence.name} ${issue.id} ${where}`;
    if (!FAILING.has(issue.severity.name)) {
      console.log(`  note   ${label}`);
      continue;
    }
    const allowed = allow.find((a) => a.id === issue.id && a.file === file);
    if (allowed) {
      used.add(allowed);
      console.log(`  allowed ${label}\n          reason: ${allowed.reason}`);
    } else {
      failing.push(`${label}\n          ${issue.description} (${issue.shortenedURL})`);
    }
  }
  for (const entry of allow) {
    if (!used.has(entry)) console.warn(`  stale allow-list entry (no matching finding; remove it): ${entry.id} ${entry.file}`);
  }

  console.log(`Electronegativity: Electron ${electronVersion}, ${result.globalChecks + result.atomicChecks} checks, ${result.issues.length} findings.`);
  if (failing.length > 0 || parseErrors.length > 0) {
    console.error(`\n${failing.length} HIGH/MEDIUM finding(s) not in ${relative(root, ALLOW_LIST)}:`);
    for (const f of failing) console.error(`  ${f}`);
    console.error('\nFix the code, or add {"id","file","reason"} to the allow-list if the finding is reviewed and safe.');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`audit:electron could not run: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 2;
});
