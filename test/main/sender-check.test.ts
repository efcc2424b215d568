import { describe, expect, it } from 'vitest';
import { isTrustedSender, type SenderEventLike } from '../../src/main/sender-check';
import { APP_ORIGIN } from '../../src/main/url-policy';

const WINDOW_ID = 7;
const event = (over: { id?: number; url?: string; parent?: unknown; frame?: null }): SenderEventLike => ({
  sender: { id: over.id ?? WINDOW_ID },
  senderFrame: over.frame === null ? null : { url: over.url ?? 'app://entryflow/index.html', parent: over.parent ?? null },
});

describe('isTrustedSender', () => {
  it('accepts the top frame of our window showing our page', () => {
    expect(isTrustedSender(event({}), WINDOW_ID, APP_ORIGIN)).toBe(true);
    expect(isTrustedSender(event({ url: 'http://localhost:5173/' }), WINDOW_ID, 'http://localhost:5173')).toBe(true);
  });

  it('refuses another webContents', () => {
    expect(isTrustedSender(event({ id: 8 }), WINDOW_ID, APP_ORIGIN)).toBe(false);
  });

  it('refuses everything before the window exists', () => {
    expect(isTrustedSender(event({}), undefined, APP_ORIGIN)).toBe(false);
  });

  it('refuses a subframe, even one on our origin', () => {
    expect(isTrustedSender(event({ parent: { url: 'app://entryflow/index.html' } }), WINDOW_ID, APP_ORIGIN)).toBe(false);
  });

  it('refuses a frame showing another origin or none at all', () => {
    expect(isTrustedSender(event({ url: 'https://evil.test/' }), WINDOW_ID, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(event({ url: 'file:///tmp/x.html' }), WINDOW_ID, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(event({ url: 'app://entryflow.evil/index.html' }), WINDOW_ID, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(event({ frame: null }), WINDOW_ID, APP_ORIGIN)).toBe(false);
  });
});
