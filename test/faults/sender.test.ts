/**
 * Case 7: the IPC sender check, property-style. Any event that is not the top frame of our own
 * window showing our own origin is refused, whatever the ids, URLs and parents look like.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTrustedSender, type SenderEventLike } from '../../src/main/sender-check';
import { APP_ORIGIN } from '../../src/main/url-policy';
import { FAULT_SEED } from './support/faults';

const OURS = 7;
const hostileUrl = fc.oneof(
  fc.webUrl(),
  fc.string(),
  fc.constantFrom(
    'app://entryflow.evil/index.html',
    'app://evil/index.html',
    'app://entryflow@evil/index.html',
    'app://evil@entryflow:1/',
    'file:///etc/passwd',
    'about:blank',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'http://entryflow/',
    'https://entryflow/',
    'APP://ENTRYFLOW.evil/',
    'app:entryflow/index.html',
    '',
  ),
);
const parent = fc.oneof(fc.constant(null), fc.record({ url: fc.string() }), fc.constant({}), fc.constant(undefined));

describe('isTrustedSender refuses what is not our window', () => {
  it('refuses any other webContents id, whatever the frame shows', () => {
    fc.assert(
      fc.property(fc.integer().filter((n) => n !== OURS), fc.oneof(hostileUrl, fc.constant('app://entryflow/index.html')), parent, (id, url, p) => {
        const ev: SenderEventLike = { sender: { id }, senderFrame: { url, parent: p } };
        expect(isTrustedSender(ev, OURS, APP_ORIGIN)).toBe(false);
      }),
      { numRuns: 2000, seed: FAULT_SEED },
    );
  });

  it('refuses subframes and frames on other origins in our own window', () => {
    fc.assert(
      fc.property(hostileUrl, fc.oneof(fc.constant(null), fc.record({ url: fc.string() })), (url, p) => {
        const ev: SenderEventLike = { sender: { id: OURS }, senderFrame: { url, parent: p } };
        const trusted = isTrustedSender(ev, OURS, APP_ORIGIN);
        // The only way to be trusted: top frame (parent null) and a URL whose origin is exactly ours.
        if (trusted) {
          expect(p).toBeNull();
          expect(new URL(url).host).toBe('entryflow');
          expect(new URL(url).protocol).toBe('app:');
        }
      }),
      { numRuns: 3000, seed: FAULT_SEED + 1 },
    );
    fc.assert(
      fc.property(fc.webPath(), fc.record({ url: fc.string() }), (path, p) => {
        expect(isTrustedSender({ sender: { id: OURS }, senderFrame: { url: `${APP_ORIGIN}${path}`, parent: p } }, OURS, APP_ORIGIN)).toBe(false);
      }),
      { numRuns: 500, seed: FAULT_SEED + 2 },
    );
  });

  it('refuses destroyed frames and calls before the window exists', () => {
    fc.assert(
      fc.property(fc.integer(), (id) => {
        expect(isTrustedSender({ sender: { id }, senderFrame: null }, id, APP_ORIGIN)).toBe(false);
        expect(isTrustedSender({ sender: { id }, senderFrame: { url: 'app://entryflow/index.html', parent: null } }, undefined, APP_ORIGIN)).toBe(false);
      }),
      { numRuns: 500, seed: FAULT_SEED + 3 },
    );
  });
});
