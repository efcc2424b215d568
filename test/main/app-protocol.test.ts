import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAppProtocolHandler, mimeTypeFor, resolveAppAsset, type FileFetcher } from '../../src/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp';

const base = mkdtempSync(join(tmpdir(), 'ef-proto-'));
const rendererDir = join(base, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><p>hi</p>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'secret');

// Node's fetch has no file: support; Electron's net.fetch does. Read the file the same way.
const readFileFetcher: FileFetcher = (fileUrl) => Promise.resolve(new Response(readFileSync(fileURLToPath(fileUrl))));

describe('resolveAppAsset', () => {
  it('serves index.html for the root and files under the renderer dir', () => {
    expect(resolveAppAsset(rendererDir, 'app://entryflow/')).toBe(join(rendererDir, 'index.html'));
    expect(resolveAppAsset(rendererDir, 'app://entryflow/assets/app.js?v=1#x')).toBe(join(rendererDir, 'assets', 'app.js'));
  });

  it.each([
    'app://entryflow/../secret.txt',
    'app://entryflow/%2e%2e/secret.txt',
    'app://entryflow/assets/%2e%2e/%2e%2e/secret.txt',
    'app://entryflow/..%2fsecret.txt',
    'app://entryflow/..%5csecret.txt',
    'app://entryflow/%2fetc%2fpasswd',
    'app://entryflow/index.html%00.js',
    'app://entryflow/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'not a url',
  ])('never resolves %s outside the renderer dir', (url) => {
    const file = resolveAppAsset(rendererDir, url);
    if (file !== null) expect(file.startsWith(rendererDir + sep)).toBe(true);
  });

  it.each([
    // Encoded separators survive URL parsing and only become ".." after decoding: refused, not clamped.
    'app://entryflow/..%2fsecret.txt',
    'app://entryflow/assets/..%2f..%2fsecret.txt',
    'app://entryflow/..%5csecret.txt',
    'app://entryflow/index.html%00.js',
    'app://entryflow/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
  ])('refuses %s outright', (url) => {
    expect(resolveAppAsset(rendererDir, url)).toBeNull();
  });

  it('clamps dot segments the URL parser already resolved, so they stay inside', () => {
    expect(resolveAppAsset(rendererDir, 'app://entryflow/%2e%2e/secret.txt')).toBe(join(rendererDir, 'secret.txt'));
  });
});

describe('app protocol handler', () => {
  const handler = createAppProtocolHandler(rendererDir, CONTENT_SECURITY_POLICY, readFileFetcher);

  it('serves files with their type, nosniff and the CSP header', async () => {
    const response = await handler(new Request('app://entryflow/index.html'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<p>hi</p>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 404 for traversal and for missing files', async () => {
    expect((await handler(new Request('app://entryflow/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handler(new Request('app://entryflow/missing.js'))).status).toBe(404);
  });

  it('knows the types the renderer build emits', () => {
    expect(mimeTypeFor('a/b.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('x.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('x.bin')).toBe('application/octet-stream');
  });
});
