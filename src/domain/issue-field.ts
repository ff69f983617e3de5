import type { z } from 'zod';

/**
 * The field a zod issue is about, as a dotted path. An unknown key is named by itself (zod reports it on the parent,
 * which would point the user at the wrong place); `fallback` names a problem with the value as a whole.
 */
export function fieldOfIssue(issue: z.core.$ZodIssue | undefined, fallback: string): string {
  if (issue === undefined) return fallback;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return [...path, ...issue.keys.slice(0, 1)].join('.');
  return path.length === 0 ? fallback : path.join('.');
}
