import { execFileSync } from 'node:child_process';

/**
 * The local addresses listening on TCP `port`, as `ss -ltn` shows them (`127.0.0.1:8080`, `0.0.0.0:8080`,
 * `[::]:8080`, `*:8080`): what the operating system says, not what the server believes.
 */
export function listeningAddresses(port: number): string[] {
  const table = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[3])
    .filter((local): local is string => local !== undefined && local.endsWith(`:${port}`));
}
