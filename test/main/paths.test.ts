import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_NAME as CORE_TEMPLATE_NAME } from '../../src/main/core/drivers/embedded';
import { isInside, logDirFor, PathConfigError, resolveAppPaths, resolveDataDir, TEMPLATE_NAME, type PathInputs } from '../../src/main/paths';

const root = resolve('/opt/entryflow');
const base: PathInputs = {
  isPackaged: false,
  appPath: root,
  userDataPath: resolve('/home/u/.config/Entryflow'),
  mainDir: join(root, 'out', 'main'),
  env: {},
};

describe('resolveAppPaths', () => {
  it('puts data and logs under userData by default, in dev and packaged', () => {
    for (const isPackaged of [false, true]) {
      const paths = resolveAppPaths({ ...base, isPackaged, appPath: isPackaged ? join(root, 'resources', 'app.asar') : root });
      expect(paths.dataDir).toBe(join(base.userDataPath, 'data'));
      expect(paths.logDir).toBe(join(base.userDataPath, 'logs'));
      expect(logDirFor(base.userDataPath)).toBe(paths.logDir);
      expect(paths.databaseUrl).toBeUndefined();
    }
  });

  it('finds migrations next to package.json: the repo in dev, inside app.asar when packaged', () => {
    expect(resolveAppPaths(base).migrationsDir).toBe(join(root, 'drizzle'));
    const asar = join(root, 'resources', 'app.asar');
    expect(resolveAppPaths({ ...base, isPackaged: true, appPath: asar, mainDir: join(asar, 'out', 'main') }).migrationsDir).toBe(
      join(asar, 'drizzle'),
    );
  });

  it('finds the database template outside asar: resources/ in the repo in dev, extraResources when packaged', () => {
    expect(resolveAppPaths(base).template).toBe(join(root, 'resources', 'pgdata-template'));
    const res = join(root, 'resources');
    const asar = join(res, 'app.asar');
    const packaged = { ...base, isPackaged: true, appPath: asar, mainDir: join(asar, 'out', 'main') };
    expect(resolveAppPaths({ ...packaged, resourcesPath: res }).template).toBe(join(res, 'resources', 'pgdata-template'));
    // Without process.resourcesPath: the folder holding app.asar, which is where Electron puts it.
    expect(resolveAppPaths(packaged).template).toBe(join(res, 'resources', 'pgdata-template'));
    expect(isInside(asar, resolveAppPaths(packaged).template)).toBe(false);
  });

  it("names the template as the core's embedded driver does (mirrored, not imported)", () => {
    expect(TEMPLATE_NAME).toBe(CORE_TEMPLATE_NAME);
    expect(resolveAppPaths(base).template).toBe(join(root, 'resources', CORE_TEMPLATE_NAME));
  });

  it('points the window at the CommonJS preload and the built renderer beside out/main', () => {
    const paths = resolveAppPaths(base);
    expect(paths.preloadPath).toBe(join(root, 'out', 'preload', 'index.cjs'));
    expect(paths.rendererDir).toBe(join(root, 'out', 'renderer'));
  });

  it('honours ENTRYFLOW_DATA_DIR and ENTRYFLOW_DATABASE_URL', () => {
    const dir = resolve('/tmp/ef-data');
    const paths = resolveAppPaths({ ...base, env: { ENTRYFLOW_DATA_DIR: dir, ENTRYFLOW_DATABASE_URL: 'postgres://db/ef' } });
    expect(paths.dataDir).toBe(dir);
    expect(paths.databaseUrl).toBe('postgres://db/ef');
  });

  it('treats empty overrides as unset', () => {
    const paths = resolveAppPaths({ ...base, env: { ENTRYFLOW_DATA_DIR: '  ', ENTRYFLOW_DATABASE_URL: '' } });
    expect(paths.dataDir).toBe(join(base.userDataPath, 'data'));
    expect(paths.databaseUrl).toBeUndefined();
  });

  it('refuses a relative data dir with a code and the offending value', () => {
    expect(() => resolveDataDir(base.userDataPath, 'data')).toThrow(PathConfigError);
    try {
      resolveDataDir(base.userDataPath, 'rel/data');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_DATA_DIR', message: expect.stringContaining('rel/data') as unknown });
    }
  });

  it('refuses a data dir inside the packaged bundle, which is read-only and replaced on update', () => {
    const asar = join(root, 'resources', 'app.asar');
    expect(() =>
      resolveAppPaths({ ...base, isPackaged: true, appPath: asar, env: { ENTRYFLOW_DATA_DIR: join(asar, 'data') } }),
    ).toThrow(/inside the application bundle/);
  });

  it('only honours the dev server URL when unpackaged', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    expect(resolveAppPaths({ ...base, env }).devServerUrl).toBe('http://localhost:5173');
    expect(resolveAppPaths({ ...base, env, isPackaged: true, appPath: join(root, 'app.asar') }).devServerUrl).toBeUndefined();
  });
});

describe('isInside', () => {
  it('matches the folder and its children only', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
    expect(isInside('/a/b', '/a/b/..foo')).toBe(true);
  });
});
