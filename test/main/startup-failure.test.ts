import { describe, expect, it } from 'vitest';
import { describeFatalError, describeStartupFailure } from '../../src/main/startup-failure';

const context = { dataDir: '/home/u/.config/Entryflow/data', logFile: '/home/u/.config/Entryflow/logs/main.log', databaseUrl: undefined };

describe('startup failure dialog', () => {
  it.each(['DATA_DIR_LOCKED', 'DATA_DIR_UNUSABLE', 'MIGRATION_FAILED', 'DATABASE_UNREACHABLE', 'INVALID_DATA_DIR'])(
    'for %s names the code, the reason, advice, the data folder and the log file',
    (code) => {
      const error = Object.assign(new Error(`core says ${code}`), { code });
      const { detail, title } = describeStartupFailure(error, context);
      expect(title).toMatch(/could not start/);
      expect(detail).toContain(code);
      expect(detail).toContain(`core says ${code}`);
      expect(detail).toContain(context.dataDir);
      expect(detail).toContain(context.logFile);
      expect(detail).not.toContain('See the log file for details.');
    },
  );

  it('still explains an error without a code, or one that is not an Error at all', () => {
    expect(describeStartupFailure(new Error('EACCES: permission denied'), context).detail).toContain('EACCES');
    expect(describeStartupFailure('weird', context).detail).toContain('weird');
    expect(describeStartupFailure(undefined, context).detail).toContain(context.dataDir);
  });

  it('mentions the shared database without printing its URL', () => {
    const detail = describeStartupFailure({ code: 'DATABASE_UNREACHABLE', message: 'ECONNREFUSED' }, { ...context, databaseUrl: 'postgres://u:pw@h/db' }).detail;
    expect(detail).toContain('ENTRYFLOW_DATABASE_URL');
    expect(detail).not.toContain('pw@');
  });
});

describe('fatal error dialog', () => {
  it('carries the message and the log path', () => {
    const { detail } = describeFatalError(new Error('boom'), '/logs/main.log');
    expect(detail).toContain('boom');
    expect(detail).toContain('/logs/main.log');
  });
});
