import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHILD_V8_FLAGS } from './cli-node.js';

/**
 * Node arguments that run a TypeScript file of this repo in a child process, from any working folder (`--import tsx`
 * alone resolves tsx from the child's cwd), with the V8 flags of the suite's other short-lived children.
 */
export function tsxNodeArgs(script: string, ...args: string[]): string[] {
  const loader = pathToFileURL(join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return [...CHILD_V8_FLAGS, '--import', loader, join(process.cwd(), script), ...args];
}
