/**
 * How a CI build is signed, decided from the environment release.yml passes in (secrets that are not
 * configured arrive as empty strings). Pure, so the decision is tested in Node; scripts/package.ts
 * applies it and runs electron-builder.
 *
 * macOS
 *   CSC_LINK set      Developer ID: electron-builder imports the certificate (CSC_KEY_PASSWORD) and
 *                     signs with the hardened runtime; notarized only when APPLE_ID,
 *                     APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are all set.
 *   CSC_LINK absent   ad-hoc (`mac.identity: '-'`), no keychain search. Flipping the fuses rewrites
 *                     the Electron binary and breaks its signature; Apple Silicon kills a binary whose
 *                     signature is invalid and Gatekeeper calls an x64 one "damaged". Ad-hoc is valid
 *                     but names nobody, so Gatekeeper still asks (README: "Unsigned builds").
 * Windows            WIN_CSC_LINK (+ WIN_CSC_KEY_PASSWORD) signs with Authenticode; otherwise unsigned.
 *                    The macOS certificate is never offered to the Windows build.
 * Linux              nothing to sign.
 */

export type BuildPlatform = 'darwin' | 'win32' | 'linux';
export type SigningMode = 'developer-id' | 'ad-hoc' | 'authenticode' | 'unsigned';
type Env = Readonly<Record<string, string | undefined>>;

export interface SigningPlan {
  mode: SigningMode;
  notarize: boolean;
  /** The environment for electron-builder: the input with the signing variables set or removed. */
  env: Record<string, string>;
  /** Extra electron-builder arguments. */
  args: string[];
  /** What to print: never a secret, only which ones were found. */
  notes: string[];
}

const MAC_CERTIFICATE = ['CSC_LINK', 'CSC_KEY_PASSWORD'] as const;
const WIN_CERTIFICATE = ['WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD'] as const;
export const NOTARIZE_VARS = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'] as const;

const present = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/** A copy without empty values, so an unconfigured secret reads as absent to electron-builder too. */
function withoutBlanks(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') out[name] = value;
  return out;
}

function drop(env: Record<string, string>, names: readonly string[]): void {
  for (const name of names) Reflect.deleteProperty(env, name);
}

export function signingPlan(input: Env, platform: BuildPlatform): SigningPlan {
  const env = withoutBlanks(input);
  // Without a certificate electron-builder must not go looking for one in the keychain or store.
  const noDiscovery = (): void => {
    env.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
  };

  if (platform === 'darwin') {
    drop(env, WIN_CERTIFICATE);
    if (!present(input, 'CSC_LINK')) {
      drop(env, [...MAC_CERTIFICATE, ...NOTARIZE_VARS]);
      noDiscovery();
      return {
        mode: 'ad-hoc',
        notarize: false,
        env,
        args: ['-c.mac.identity=-', '-c.mac.notarize=false'],
        notes: ['macOS: no CSC_LINK certificate; signing ad-hoc (runs, but Gatekeeper asks on first open)'],
      };
    }
    Reflect.deleteProperty(env, 'CSC_IDENTITY_AUTO_DISCOVERY');
    const missing = NOTARIZE_VARS.filter((name) => !present(input, name));
    if (missing.length > 0) {
      // A partial set would start notarytool and fail the build; without all three, skip it openly.
      drop(env, NOTARIZE_VARS);
      return {
        mode: 'developer-id',
        notarize: false,
        env,
        args: ['-c.mac.notarize=false'],
        notes: [`macOS: signing with the CSC_LINK certificate; NOT notarized (missing ${missing.join(', ')})`],
      };
    }
    return {
      mode: 'developer-id',
      notarize: true,
      env,
      args: [],
      notes: ['macOS: signing with the CSC_LINK certificate and notarizing (APPLE_ID, APPLE_TEAM_ID)'],
    };
  }

  drop(env, [...MAC_CERTIFICATE, ...NOTARIZE_VARS]);
  if (platform === 'win32' && present(input, 'WIN_CSC_LINK')) {
    Reflect.deleteProperty(env, 'CSC_IDENTITY_AUTO_DISCOVERY');
    return { mode: 'authenticode', notarize: false, env, args: [], notes: ['Windows: signing with the WIN_CSC_LINK certificate'] };
  }
  drop(env, WIN_CERTIFICATE);
  noDiscovery();
  const note = platform === 'win32' ? 'Windows: no WIN_CSC_LINK certificate; unsigned (SmartScreen warns on first run)' : 'Linux: unsigned';
  return { mode: 'unsigned', notarize: false, env, args: [], notes: [note] };
}
