import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TargetConfig } from '../postgres/open-target.js';

/** The environment variable naming a PostgreSQL target when `--database-url` is not given. */
export const DATABASE_URL_ENV = 'CUTTER_DATABASE_URL';
/** Per-role DSNs: when both are set, each phase role logs in as itself instead of using SET ROLE. */
export const EXEC_DATABASE_URL_ENV = 'CUTTER_EXEC_DATABASE_URL';
export const VERIFY_DATABASE_URL_ENV = 'CUTTER_VERIFY_DATABASE_URL';
/** The embedded database's folder when neither is given. */
export const DEFAULT_DATA_DIR = '.cutter';

export interface TargetOptions {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}

/** Adds `--database-url` and `--data-dir` to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('--database-url <url>', `a PostgreSQL target (default: $${DATABASE_URL_ENV}, else the embedded database)`)
    .option('--data-dir <dir>', `the embedded database's folder (default: ${DEFAULT_DATA_DIR})`);
}

/** The target the options name: PostgreSQL if a URL is given (flag, then environment), else the embedded database. */
export function targetFromOptions(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const url = options.databaseUrl ?? env[DATABASE_URL_ENV];
  if (url !== undefined && url !== '') {
    const exec = env[EXEC_DATABASE_URL_ENV];
    const verify = env[VERIFY_DATABASE_URL_ENV];
    if (exec !== undefined && exec !== '' && verify !== undefined && verify !== '') {
      return { kind: 'postgres', dsn: url, dsnByRole: { cutter_exec: exec, cutter_verify: verify } };
    }
    return { kind: 'postgres', dsn: url };
  }
  return { kind: 'embedded', dataDir: resolve(options.dataDir ?? DEFAULT_DATA_DIR) };
}
