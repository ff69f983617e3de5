import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * Loads a CommonJS dependency the first time it is needed, synchronously. Every CLI command is a new process that
 * imports the whole command table, so a module used by one command (a diff, a glob matcher, pretty logs) is loaded only
 * by the command that uses it: startup was 0.75 s, most of it module loading.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the module's type (`typeof import`), which `require` cannot know
export function loadOnDemand<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(specifier) as T);
}
