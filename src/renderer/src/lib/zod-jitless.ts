/**
 * Zod 4 probes for `new Function` the first time it parses an object, to pick a compiled fast path.
 * The probe's throw is caught, but under our CSP (no 'unsafe-eval') Chromium still reports a
 * 'securitypolicyviolation' and logs "Refused to evaluate a string as JavaScript" for it. jitless
 * skips the probe; the renderer only validates small forms, so the fast path buys nothing here.
 * Imported first by each module that parses with a schema (NewEntryDialog, SettingsDialog), before
 * anything can parse; App loads those lazily, so zod stays out of the first paint.
 */
import { z } from 'zod';

z.config({ jitless: true });
