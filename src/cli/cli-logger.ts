import type pretty from 'pino-pretty';
import { loadOnDemand } from '../modules/load-on-demand.js';
import { InvalidInput } from '../errors/index.js';
import { createLogger, silentLogger, type Logger } from '../logging/logger.js';

const prettyStream = loadOnDemand<typeof pretty>('pino-pretty');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly color: boolean;
}

/**
 * Decides the CLI's log level and format: a flag beats the environment (CUTTER_LOG_LEVEL, CUTTER_LOG_FORMAT), and the
 * format defaults to readable lines on a TTY and JSON lines everywhere else, so scripts and log shippers get JSON.
 * The default level is `warn`: the CLI's own output already tells a person what happened; `info` adds each phase.
 */
export function resolveLogSettings(
  flags: { readonly logLevel?: string; readonly logFormat?: string },
  env: NodeJS.ProcessEnv,
  stderrIsTTY: boolean,
): LogSettings {
  const level = flags.logLevel ?? env.CUTTER_LOG_LEVEL ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new InvalidInput(flags.logLevel === undefined ? 'CUTTER_LOG_LEVEL' : '--log-level', `must be one of ${LOG_LEVELS.join(', ')}; got "${level}"`);
  }
  const format = flags.logFormat ?? env.CUTTER_LOG_FORMAT ?? (stderrIsTTY ? 'pretty' : 'json');
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInput(flags.logFormat === undefined ? 'CUTTER_LOG_FORMAT' : '--log-format', `must be json or pretty; got "${format}"`);
  }
  const color = stderrIsTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return { level: level as LogLevel, format: format as LogFormat, color };
}

/** The CLI's logger on stderr (stdout is the command's own output). Pretty lines are written synchronously: no worker. */
export function createCliLogger(settings: LogSettings, stderr: NodeJS.WritableStream = process.stderr): Logger {
  if (settings.format === 'json') return createLogger({ level: settings.level, destination: stderr });
  const prettyOptions: pretty.PrettyOptions = { destination: stderr, sync: true, colorize: settings.color, ignore: 'pid,hostname,app', translateTime: 'HH:MM:ss.l', singleLine: true };
  return createLogger({ level: settings.level, destination: prettyStream()(prettyOptions) });
}

let current: Logger = silentLogger;

/** The logger of the command being run: set once per command from its flags, before its action runs. */
export function cliLogger(): Logger {
  return current;
}

export function useCliLogger(logger: Logger): void {
  current = logger;
}
