/**
 * Runs electron-builder for this OS with the signing scripts/signing.ts decides from the environment
 * (release.yml passes the certificate secrets; unconfigured ones arrive empty). Build first
 * (`npm run build`); the arguments go to electron-builder unchanged:
 *
 *   tsx scripts/package.ts --mac --publish never      (release.yml, per OS)
 *   tsx scripts/package.ts --dir                       (the packaged smoke test)
 *
 * Local `npm run dist:*` keeps electron-builder's own behaviour (a Developer ID in the keychain is
 * used); electron-builder.yml's resetAdHocDarwinSignature keeps those builds launchable without one.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { signingPlan, type BuildPlatform } from './signing';

function buildPlatform(platform: NodeJS.Platform): BuildPlatform {
  if (platform === 'darwin' || platform === 'win32' || platform === 'linux') return platform;
  throw new Error(`electron-builder does not package for ${platform}`);
}

const plan = signingPlan(process.env, buildPlatform(process.platform));
for (const note of plan.notes) console.log(`[package] ${note}`);

const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
const args = [...plan.args, ...process.argv.slice(2)];
console.log(`[package] electron-builder ${args.join(' ')}`);
const child = spawn(process.execPath, [cli, ...args], { env: plan.env, stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`[package] could not start electron-builder: ${error.message}`);
  process.exitCode = 1;
});
child.on('exit', (code, signal) => {
  if (signal !== null) console.error(`[package] electron-builder was killed by ${signal}`);
  process.exitCode = code ?? 1;
});
