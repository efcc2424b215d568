import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isAllowedExternalUrl, isAppUrl, isReloadOfAppPage, originOf, rendererOrigin } from '../../src/main/url-policy';

describe('url policy', () => {
  it('computes the app:// origin that WHATWG URL reports as "null"', () => {
    expect(new URL(APP_ENTRY_URL).origin).toBe('null');
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN);
    expect(originOf('not a url')).toBeNull();
    expect(originOf('file:///etc/passwd')).toBeNull();
  });

  it('uses the dev server origin only when one is given', () => {
    expect(rendererOrigin(undefined)).toBe(APP_ORIGIN);
    expect(rendererOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(() => rendererOrigin('::')).toThrow(/ELECTRON_RENDERER_URL/);
  });

  it('counts as a reload only our page itself: the current URL or the entry URL, ignoring the fragment', () => {
    const current = `${APP_ENTRY_URL}#/entries`;
    expect(isReloadOfAppPage(current, current, APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isReloadOfAppPage(`${APP_ENTRY_URL}#/other`, current, APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isReloadOfAppPage(APP_ENTRY_URL, '', APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isReloadOfAppPage(`${APP_ENTRY_URL}?debug=1`, current, APP_ENTRY_URL, APP_ORIGIN)).toBe(false);
    expect(isReloadOfAppPage('app://entryflow/other.html', 'app://entryflow/other.html', APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isReloadOfAppPage('app://evil/index.html', 'app://evil/index.html', APP_ENTRY_URL, APP_ORIGIN)).toBe(false);
    expect(isReloadOfAppPage('not a url', 'not a url', APP_ENTRY_URL, APP_ORIGIN)).toBe(false);
  });

  it('recognises only our own origin as the app', () => {
    expect(isAppUrl('app://entryflow/index.html#/entries', APP_ORIGIN)).toBe(true);
    expect(isAppUrl('app://evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('https://entryflow/index.html', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('file:///index.html', APP_ORIGIN)).toBe(false);
  });

  it('opens externally only https links to named origins, without credentials', () => {
    const named = ['https://docs.example.org'];
    expect(isAllowedExternalUrl('https://docs.example.org/guide', named)).toBe(true);
    expect(isAllowedExternalUrl('http://docs.example.org/guide', named)).toBe(false);
    expect(isAllowedExternalUrl('https://docs.example.org.evil.test/', named)).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@docs.example.org/', named)).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd', named)).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)', named)).toBe(false);
    // The shipped list names nothing yet, so nothing opens.
    expect(isAllowedExternalUrl('https://docs.example.org/guide')).toBe(false);
  });
});
