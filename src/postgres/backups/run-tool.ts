import { spawn } from 'node:child_process';

/** A command-line tool failed; its stderr is included with every listed secret masked. */
export class ToolFailed extends Error {
  readonly exitCode: number | null;
  constructor(tool: string, exitCode: number | null, stderr: string) {
    super(`${tool} exited ${exitCode ?? 'by signal'}: ${stderr.trim().slice(0, 2000)}`);
    this.name = 'ToolFailed';
    this.exitCode = exitCode;
  }
}

/**
 * Runs a tool with arguments (never through a shell) and an environment of its own; resolves with stdout. Secrets
 * are passed in `env` (such as PGPASSWORD), never in arguments, and are masked out of any error text.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; secrets?: readonly string[]; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
        return;
      }
      let stderr = Buffer.concat(err).toString('utf8');
      for (const secret of options.secrets ?? []) if (secret !== '') stderr = stderr.split(secret).join('***');
      reject(new ToolFailed(command, code, stderr));
    });
  });
}
