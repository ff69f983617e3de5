import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino redacts in every log line. Cutter never logs credentials on purpose; this catches a host that passes
 * a config object or an error carrying one.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'dsn',
  '*.dsn',
  'connectionString',
  '*.connectionString',
  'privateKey',
  '*.privateKey',
  'passphrase',
  '*.passphrase',
  'secret',
  '*.secret',
] as const;

/** A logger that writes nothing: the library's default, so that embedding Cutter never prints unasked. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Cutter's logger: JSON lines with secrets redacted. The CLI passes a destination and level. */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const settings = { level: options.level ?? 'info', redact: { paths: [...REDACT_PATHS], censor: '[redacted]' }, base: { app: 'cutter' } };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
