import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { RUN_SNAPSHOT_VERSION } from '../../../machines/snapshot-version.js';
import { describeStatechart } from '../../../src/chart/index.js';
import { hashCanonical } from '../../../src/domain/hashing.js';

/**
 * What a persisted snapshot depends on: state paths and the ids of the actors they invoke. One fingerprint per
 * snapshot version. When this test fails, the machine changed shape: bump RUN_SNAPSHOT_VERSION and add its
 * fingerprint here, so stored runs of the old shape are refused instead of restored into a hang.
 */
const FINGERPRINTS: Readonly<Record<number, string>> = {
  1: '85908685d0084e5249930c80631547a1d21b75050d3abc0bcdf8bebb190ada8b',
};

describe('RUN_SNAPSHOT_VERSION', () => {
  it('matches the shape of the machine', () => {
    const shape = describeStatechart(runMachine).states.map((s) => [s.path, [...s.invokes]]);
    expect(hashCanonical(shape), 'the machine changed shape: bump RUN_SNAPSHOT_VERSION and record its fingerprint').toBe(FINGERPRINTS[RUN_SNAPSHOT_VERSION]);
  });
});
