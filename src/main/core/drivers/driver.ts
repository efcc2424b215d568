/**
 * The one seam between the core and a database engine. A driver opens its engine, runs the same
 * migrations, hands out a SqlClient, and says what it can do; `openCore` asks about capabilities
 * instead of checking a mode (River's driver interface is the model).
 *
 *   embedded (drivers/embedded.ts)  PGlite in a data folder it owns alone, or in memory
 *   server   (drivers/server.ts)    a PostgreSQL server shared by any number of processes
 */
import type pg from 'pg';
import type { SqlClient } from '../sql-client';

export interface DriverCapabilities {
  /**
   * This process is the only one that can reach the data (an OS-held folder lock proves it). So a
   * lock found at open is a leftover of an earlier run, and a live loop's lock never expires by time:
   * a sleeping laptop or a clock step must not hand a running stage to a second loop.
   */
  readonly exclusive: boolean;
  /** The engine vacuums and analyzes itself (a server's autovacuum); false: maintenance must. */
  readonly vacuumsItself: boolean;
  /** Other processes may make work claimable, and this driver can LISTEN for their wake-ups. */
  readonly listen: boolean;
  /**
   * Every loop's statements go through one connection, one after another (PGlite). Claims never
   * contend there, so a loop may claim more at once (claim-size.ts).
   */
  readonly oneConnection: boolean;
}

/** How the database came to be on this open (a server always reports 'existing'). */
export type CreatedFrom = 'template' | 'initdb' | 'existing';

export interface Driver {
  readonly name: 'embedded' | 'server';
  readonly capabilities: DriverCapabilities;
  readonly sql: SqlClient;
  readonly createdFrom: CreatedFrom;
  /** Where the data lives, for messages: the data folder, 'memory', or the server's address. */
  readonly location: string;
  /** capabilities.listen only: how to open the dedicated LISTEN connection, and its channel. */
  readonly listen: { config: pg.ClientConfig; channel: string } | null;
  /** Called once the core is fully open (rescued, pool started): marks a data folder as complete. */
  markReady(): void;
  /**
   * How many worker loops use the engine now (the operator may change it while the core runs). A
   * server sizes its connection pool to them; PGlite runs one statement at a time whatever the count.
   */
  setWorkers(workers: number): void;
  /** Closes the engine and gives up whatever it owns (the folder lock). Idempotent. */
  close(): Promise<void>;
}
