/**
 * Is the Electron we pin still supported? Electron ships security fixes for the three newest stable
 * majors only, so a pin that falls out of that window stops getting Chromium patches without any
 * build breaking. This is the pure part of `scripts/check-electron-support.ts`: given the range in
 * package.json and the registry's dist-tags (or nothing, when the registry could not be asked), it
 * says ok, unsupported, unreachable or invalid, with a sentence a person can act on.
 */

/** Electron's support policy: the newest stable major and the two before it. */
export const SUPPORTED_MAJORS = 3;

export type ElectronSupport =
  | { status: 'ok'; pinnedMajor: number; newestMajor: number; supported: number[]; message: string }
  | { status: 'unsupported'; pinnedMajor: number; newestMajor: number; supported: number[]; message: string }
  | { status: 'unreachable'; message: string }
  | { status: 'invalid'; message: string };

/** Exit codes of the check, one per outcome, so CI logs and scripts can tell them apart. */
export const EXIT_CODE: Record<ElectronSupport['status'], number> = { ok: 0, unsupported: 1, invalid: 2, unreachable: 3 };

const STABLE = /^v?(\d+)\.(\d+)\.(\d+)$/;

/**
 * The major a package.json range pins: `^45.5.0`, `~45.5.0`, `45.5.0`, `=45.5.0`, `45` or `45.x`.
 * Anything wider (`>=40`, `*`, `40 || 45`) pins no single major and is refused rather than guessed.
 */
export function pinnedMajor(range: string): number | undefined {
  const m = /^\s*(?:[\^~]|=)?\s*v?(\d+)(?:\.(?:\d+|x|\*)(?:\.(?:\d+|x|\*)(?:-[0-9A-Za-z.-]+)?)?)?\s*$/.exec(range);
  return m ? Number(m[1]) : undefined;
}

/** The highest major among the stable versions the dist-tags point at; prerelease tags are ignored. */
export function newestStableMajor(distTags: Readonly<Record<string, unknown>>): number | undefined {
  let newest: number | undefined;
  for (const version of Object.values(distTags)) {
    if (typeof version !== 'string') continue;
    const m = STABLE.exec(version.trim());
    if (!m) continue;
    const major = Number(m[1]);
    if (newest === undefined || major > newest) newest = major;
  }
  return newest;
}

/** What asking the registry gave: its dist-tags for electron, or why it could not be asked. */
export type RegistryAnswer = { ok: true; distTags: Readonly<Record<string, unknown>> } | { ok: false; reason: string };

/**
 * `range` is package.json's devDependencies.electron. An unreachable registry is never reported as
 * supported: the check then says NOT CHECKED and fails.
 */
export function assessElectronSupport(range: string, registry: RegistryAnswer): ElectronSupport {
  if (!registry.ok) {
    return { status: 'unreachable', message: `NOT CHECKED: registry unreachable (${registry.reason}); whether Electron "${range}" is still supported is unknown` };
  }
  const pinned = pinnedMajor(range);
  if (pinned === undefined) {
    return { status: 'invalid', message: `package.json pins electron as "${range}", which names no single major; pin it as ^MAJOR.MINOR.PATCH` };
  }
  const newest = newestStableMajor(registry.distTags);
  if (newest === undefined) {
    return { status: 'invalid', message: `the registry's dist-tags for electron name no stable version (${JSON.stringify(registry.distTags)}); cannot tell which majors are supported` };
  }
  const supported = Array.from({ length: SUPPORTED_MAJORS }, (_, i) => newest - i);
  const list = supported.join(', ');
  if (supported.includes(pinned)) {
    return { status: 'ok', pinnedMajor: pinned, newestMajor: newest, supported, message: `Electron "${range}" (major ${pinned}) is supported: the newest stable major is ${newest}, supported are ${list}` };
  }
  const why =
    pinned > newest
      ? `major ${pinned} is newer than the newest stable major ${newest} (a prerelease); pin a stable major`
      : `major ${pinned} is out of support: the newest stable major is ${newest} and only ${list} get security fixes; upgrade (npm install -D electron@${newest}), then re-run npm run audit:electron and the security tests`;
  return { status: 'unsupported', pinnedMajor: pinned, newestMajor: newest, supported, message: `UNSUPPORTED: Electron "${range}": ${why}` };
}
