/**
 * Where things live, in development and when packaged. Pure: the caller passes what Electron reports
 * (app.isPackaged, app.getAppPath(), app.getPath('userData')) so this is testable in plain Node.
 *
 * The data directory is always under userData (or an explicit override), never next to the app:
 * a packaged app's bundle is read-only on macOS and replaced on every update everywhere.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface PathInputs {
  isPackaged: boolean;
  /** app.getAppPath(): the project root in development, `…/resources/app.asar` when packaged. */
  appPath: string;
  /** app.getPath('userData'). */
  userDataPath: string;
  /** Directory of the built main bundle (out/main). */
  mainDir: string;
  /** process.resourcesPath (packaged only); absent: the folder holding app.asar, which is the same place. */
  resourcesPath?: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface AppPaths {
  dataDir: string;
  /** Set only when ENTRYFLOW_DATABASE_URL selects a shared Postgres instead of the embedded one. */
  databaseUrl: string | undefined;
  logDir: string;
  migrationsDir: string;
  /**
   * The first-launch template (a folder, resources/pgdata-template/, made by scripts/make-template.ts),
   * outside asar: extraResources when packaged, resources/ in dev. openCore's `template` option.
   */
  template: string;
  rendererDir: string;
  preloadPath: string;
  /** The Vite dev server, only honoured in an unpackaged run so a packaged app can't be redirected. */
  devServerUrl: string | undefined;
}

export const DATA_DIR_ENV = 'ENTRYFLOW_DATA_DIR';
export const DATABASE_URL_ENV = 'ENTRYFLOW_DATABASE_URL';
export const DEV_SERVER_ENV = 'ELECTRON_RENDERER_URL';
/**
 * The same name as TEMPLATE_NAME in core/drivers/embedded.ts, mirrored rather than imported so this
 * module stays free of the core (test/main/paths.test.ts checks they agree).
 */
export const TEMPLATE_NAME = 'pgdata-template';

export class PathConfigError extends Error {
  readonly code = 'INVALID_DATA_DIR';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

export function resolveDataDir(userDataPath: string, override: string | undefined): string {
  const explicit = nonEmpty(override);
  if (explicit === undefined) return join(userDataPath, 'data');
  // A relative override would silently depend on whichever directory the app was launched from.
  if (!isAbsolute(explicit)) {
    throw new PathConfigError(`${DATA_DIR_ENV} must be an absolute path, got "${explicit}".`);
  }
  return resolve(explicit);
}

/** True when `child` is `parent` or inside it (after normalising both). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Logs sit beside the data, under userData, so the About box and bug reports can name one place. */
export function logDirFor(userDataPath: string): string {
  return join(userDataPath, 'logs');
}

export function resolveAppPaths(input: PathInputs): AppPaths {
  const dataDir = resolveDataDir(input.userDataPath, input.env[DATA_DIR_ENV]);
  if (input.isPackaged && isInside(input.appPath, dataDir)) {
    throw new PathConfigError(`The data folder ${dataDir} is inside the application bundle; choose a folder outside ${input.appPath}.`);
  }
  const outDir = resolve(input.mainDir, '..');
  return {
    dataDir,
    databaseUrl: nonEmpty(input.env[DATABASE_URL_ENV]),
    logDir: logDirFor(input.userDataPath),
    // drizzle/ ships inside the app (asar) next to package.json; Electron's fs reads asar transparently.
    migrationsDir: join(input.appPath, 'drizzle'),
    template: input.isPackaged
      ? join(input.resourcesPath ?? dirname(input.appPath), 'resources', TEMPLATE_NAME)
      : join(input.appPath, 'resources', TEMPLATE_NAME),
    rendererDir: join(outDir, 'renderer'),
    // The preload must be the CommonJS build: a sandboxed renderer cannot load an ESM preload.
    preloadPath: join(outDir, 'preload', 'index.cjs'),
    devServerUrl: input.isPackaged ? undefined : nonEmpty(input.env[DEV_SERVER_ENV]),
  };
}
