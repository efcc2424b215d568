import { describe, expect, it } from 'vitest';
import { signingPlan } from '../../scripts/signing';

// What release.yml passes when no secret is configured: every secret arrives as an empty string.
const noSecrets = {
  PATH: '/usr/bin',
  CSC_LINK: '',
  CSC_KEY_PASSWORD: '',
  APPLE_ID: '',
  APPLE_APP_SPECIFIC_PASSWORD: '',
  APPLE_TEAM_ID: '',
  WIN_CSC_LINK: '',
  WIN_CSC_KEY_PASSWORD: '',
};
const macCert = { ...noSecrets, CSC_LINK: 'MIIK...base64', CSC_KEY_PASSWORD: 'p12-pass' };
const notarize = { APPLE_ID: 'dev@example.com', APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh', APPLE_TEAM_ID: 'TEAM123456' };

describe('release signing plan', () => {
  it('macOS without a certificate: ad-hoc, no keychain search, no notarization, no empty secrets left', () => {
    const plan = signingPlan(noSecrets, 'darwin');
    expect(plan.mode).toBe('ad-hoc');
    expect(plan.args).toEqual(['-c.mac.identity=-', '-c.mac.notarize=false']);
    expect(plan.env.CSC_IDENTITY_AUTO_DISCOVERY).toBe('false');
    // An empty CSC_LINK is not "absent" to electron-builder: it would try to import it.
    for (const name of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
      expect(plan.env, name).not.toHaveProperty(name);
    }
    expect(plan.env.PATH).toBe('/usr/bin');
  });

  it('macOS with the certificate and the notarization secrets: Developer ID, notarized, discovery left on', () => {
    const plan = signingPlan({ ...macCert, ...notarize, CSC_IDENTITY_AUTO_DISCOVERY: 'false' }, 'darwin');
    expect(plan).toMatchObject({ mode: 'developer-id', notarize: true, args: [] });
    expect(plan.env).toMatchObject({ CSC_LINK: 'MIIK...base64', CSC_KEY_PASSWORD: 'p12-pass', ...notarize });
    expect(plan.env).not.toHaveProperty('CSC_IDENTITY_AUTO_DISCOVERY');
    expect(plan.args).not.toContain('-c.mac.identity=-');
  });

  it('macOS with the certificate but part of the notarization secrets: signed, notarization skipped openly', () => {
    const plan = signingPlan({ ...macCert, APPLE_ID: 'dev@example.com' }, 'darwin');
    expect(plan).toMatchObject({ mode: 'developer-id', notarize: false, args: ['-c.mac.notarize=false'] });
    expect(plan.env).not.toHaveProperty('APPLE_ID');
    expect(plan.notes.join(' ')).toContain('APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID');
  });

  it('never prints a secret', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const notes = signingPlan({ ...macCert, ...notarize, WIN_CSC_LINK: 'WINCERT', WIN_CSC_KEY_PASSWORD: 'winpass' }, platform).notes.join('\n');
      for (const secret of ['MIIK', 'p12-pass', 'abcd-efgh', 'WINCERT', 'winpass']) expect(notes).not.toContain(secret);
    }
  });

  it('Windows: the macOS certificate is never offered to it; WIN_CSC_LINK signs', () => {
    const unsigned = signingPlan(macCert, 'win32');
    expect(unsigned.mode).toBe('unsigned');
    expect(unsigned.env).not.toHaveProperty('CSC_LINK');
    expect(unsigned.env.CSC_IDENTITY_AUTO_DISCOVERY).toBe('false');

    const signed = signingPlan({ ...macCert, WIN_CSC_LINK: 'WINCERT', WIN_CSC_KEY_PASSWORD: 'winpass' }, 'win32');
    expect(signed.mode).toBe('authenticode');
    expect(signed.env).toMatchObject({ WIN_CSC_LINK: 'WINCERT', WIN_CSC_KEY_PASSWORD: 'winpass' });
    expect(signed.env).not.toHaveProperty('CSC_LINK');
    expect(signed.env).not.toHaveProperty('CSC_IDENTITY_AUTO_DISCOVERY');
  });

  it('Linux: nothing to sign', () => {
    const plan = signingPlan(macCert, 'linux');
    expect(plan).toMatchObject({ mode: 'unsigned', args: [] });
    expect(plan.env).not.toHaveProperty('CSC_LINK');
  });
});
