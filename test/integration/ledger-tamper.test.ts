/**
 * I11: the ledger is append-only and hash-chained. The phase roles cannot change it, the trigger refuses even the
 * owner, and an edit made around both (replication role, as a superuser could) is found by `cutter ledger verify`,
 * which names the first bad record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { embeddedLedgerOfThree } from '../support/ledger-target.js';

describe('ledger tampering (embedded database)', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cutter-ledger-'));
    await embeddedLedgerOfThree(dataDir);
  }, 60_000);
  afterAll(async () => { await rm(dataDir, { recursive: true, force: true }); });

  const verify = async () => {
    const terminal = captureTerminal();
    const code = await main(['ledger', 'verify', '--data-dir', dataDir, '--json'], terminal);
    return { code, result: JSON.parse(terminal.out.join('\n')) as { ok: boolean; seq?: number; records?: number } };
  };

  it('an intact chain verifies', async () => {
    expect(await verify()).toEqual({ code: ExitCode.Ok, result: expect.objectContaining({ ok: true, records: 3 }) });
  });

  it('the phase role cannot update or delete, and the owner is refused by the trigger', async () => {
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      const exec = await target.provider('cutter_exec');
      await expect(exec.query("UPDATE cutter.ledger SET payload = '{}' WHERE seq = 2")).rejects.toMatchObject({ code: '42501' });
      await expect(exec.query('DELETE FROM cutter.ledger WHERE seq = 2')).rejects.toMatchObject({ code: '42501' });
      await exec.release();
      await target.admin(async (s) => {
        await expect(s.query("UPDATE cutter.ledger SET payload = '{}' WHERE seq = 2")).rejects.toThrow(/append-only/);
      });
    } finally {
      await target.close();
    }
  });

  it('an edit made around the trigger is found, naming the first bad record', async () => {
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      await target.admin(async (s) => {
        await s.exec(`SET session_replication_role = replica;
          UPDATE cutter.ledger SET payload = jsonb_set(payload, '{rowCount}', '999') WHERE seq = 2;
          SET session_replication_role = origin;`);
      });
    } finally {
      await target.close();
    }
    expect(await verify()).toEqual({ code: ExitCode.IntegrityFailure, result: expect.objectContaining({ ok: false, seq: 2 }) });
  });
});
