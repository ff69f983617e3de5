/** A database error about a row becomes a code naming the row, from the error's own fields or the phase's rows. */
import { describe, expect, it } from 'vitest';
import { contentHashOf, type IURow } from '../../../src/domain/iu.js';
import { StopInvariantFailed } from '../../../src/errors/index.js';
import { addressInKeyDetail, mapRowError } from '../../../src/postgres/row-error-mapping.js';

const row = (address: string, over: Partial<IURow> = {}): IURow => {
  const base = { address, title: 'T', body: 'B', ...over };
  return { ...base, contentHash: contentHashOf(base.title, base.body) };
};
const pgError = (code: string, fields: Record<string, string> = {}) => Object.assign(new Error(fields.message ?? `error ${code}`), { code, ...fields });

describe('addressInKeyDetail', () => {
  it.each([
    ['Key (address, version)=(docs/a, 2) already exists.', 'docs/a'],
    ['Key (address)=(docs/a) already exists.', 'docs/a'],
    ['Key (address, version)=(odd, address, 1) already exists.', 'odd, address'],
    ['Key (run_id, seq)=(r, 3) already exists.', undefined],
    ['something else', undefined],
    [undefined, undefined],
  ])('%s → %s', (detail, address) => {
    expect(addressInKeyDetail(detail)).toBe(address);
  });
});

describe('mapRowError', () => {
  const rows = [row('docs/a'), row('docs/b', { title: ' ' }), row('docs/c', { body: 'x\u0000y' }), row('docs/a')];

  it('23505 names the address from the key detail, the constraint and the table', () => {
    const error = pgError('23505', { detail: 'Key (address, version)=(docs/z, 1) already exists.', constraint: 'iu_versions_address_version_key', table: 'iu_versions' });
    expect(mapRowError('cutLegA', error, rows)).toMatchObject({
      code: 'E_ROW_DUPLICATE', phase: 'cutLegA', address: 'docs/z', field: 'address', constraint: 'iu_versions_address_version_key', table: 'iu_versions', sqlState: '23505', cause: error,
    });
  });

  it('23505 without a detail names the first address the rows repeat', () => {
    expect(mapRowError('cutLegA', pgError('23505'), rows)).toMatchObject({ code: 'E_ROW_DUPLICATE', address: 'docs/a' });
  });

  it('23514 on a limit or a default-named CHECK names the field, and finds the row with planning’s schema', () => {
    expect(mapRowError('cutLegA', pgError('23514', { constraint: 'iu_versions_title_check', table: 'iu_versions' }), rows))
      .toMatchObject({ code: 'E_ROW_CONSTRAINT', field: 'title', address: 'docs/b', constraint: 'iu_versions_title_check' });
    const big = [row('docs/a'), row('docs/big', { body: 'x'.repeat(1024 * 1024 + 1) })];
    const mapped = mapRowError('cutLegA', pgError('23514', { constraint: 'iu_versions_body_limit' }), big);
    expect(mapped).toMatchObject({ code: 'E_ROW_CONSTRAINT', field: 'body', address: 'docs/big' });
    expect((mapped as Error).message).toContain('row docs/big field body (constraint iu_versions_body_limit)');
  });

  it('any other class-23 error (a NOT NULL, say) is E_ROW_CONSTRAINT too, naming its column', () => {
    expect(mapRowError('planning', pgError('23502', { column: 'title', table: 'pinned_plan_rows' }), [])).toMatchObject({ code: 'E_ROW_CONSTRAINT', field: 'title', table: 'pinned_plan_rows', address: undefined });
  });

  it('22021 names the first row and field holding a NUL', () => {
    const error = pgError('22021', { message: 'invalid byte sequence for encoding "UTF8": 0x00' });
    expect(mapRowError('cutLegA', error, rows)).toMatchObject({ code: 'E_ROW_DATA_INVALID', address: 'docs/c', field: 'body', sqlState: '22021' });
  });

  it('finds the SQLSTATE down the cause chain', () => {
    const wrapped = new Error('phase failed', { cause: pgError('23505', { detail: 'Key (address, version)=(docs/q, 1) already exists.' }) });
    expect(mapRowError('cutLegA', wrapped)).toMatchObject({ code: 'E_ROW_DUPLICATE', address: 'docs/q' });
  });

  it('leaves Cutter errors and errors that are not about a row as they are', () => {
    const cutter = new StopInvariantFailed('cutLegA', { reason: 'r' });
    expect(mapRowError('cutLegA', cutter, rows)).toBe(cutter);
    const timeout = pgError('57014');
    expect(mapRowError('cutLegA', timeout, rows)).toBe(timeout);
    const plain = new Error('no code');
    expect(mapRowError('cutLegA', plain, rows)).toBe(plain);
  });
});
