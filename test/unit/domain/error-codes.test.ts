import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/index.js';

describe('docs/errors.md', () => {
  it('documents exactly the error codes the code defines', () => {
    const documented = new Set([...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `(E_[A-Z_]+)`/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.values(ErrorCode).sort());
  });
});
