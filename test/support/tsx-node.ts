import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Node arguments that run a TypeScript file of this repo in a child process, from any working folder (`--import tsx`
 * alone resolves tsx from the child's cwd).
 */
export function tsxNodeArgs(script: string, ...args: string[]): string[] {
  const loader = pathToFileURL(join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return ['--import', loader, join(process.cwd(), script), ...args];
}
