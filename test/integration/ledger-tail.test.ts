/**
 * I11 at the ledger's tail: a chain whose newest records were removed still links up, and a chain replaced whole
 * links up too. `cutter ledger verify` checks the records vouched for elsewhere as well: the head checkpoint (kept by a
 * trigger in each appender's transaction), each run's Leg B phase record, and a checkpoint an auditor signed and kept.
 * Each tampering below is done as the schema owner would, around the append-only trigger, in its own target.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApproverKeyPair } from '../../src/approvals/index.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { GENESIS_HASH, ledgerRecordHash } from '../../src/domain/ledger-chain.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { embeddedLedgerOfThree } from '../support/ledger-target.js';

describe('the ledger\'s tail and whole-chain replacement (embedded database)', () => {
  let dir = '';
  const auditor = generateApproverKeyPair();

  /** A fresh embedded target whose ledger has three change-set records, each with its run's Leg B phase record. */
  async function ledgerOfThree(name: string): Promise<string> {
    const dataDir = join(dir, name);
    await embeddedLedgerOfThree(dataDir);
    return dataDir;
  }

  /** Statements run as the schema owner around the triggers (session_replication_role = replica). */
  async function asOwnerAroundTriggers(dataDir: string, sql: string): Promise<void> {
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      await target.admin((s) => s.exec(`SET session_replication_role = replica; ${sql}; SET session_replication_role = origin;`));
    } finally {
      await target.close();
    }
  }

  const cutter = async (...argv: string[]) => {
    const terminal = captureTerminal();
    const code = await main(argv, terminal);
    return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n') };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-ledger-tail-'));
    await writeFile(join(dir, 'auditor.key'), auditor.privateKey);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ approvers: { audrey: auditor.publicKey } }));
  }, 60_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('deleting the newest record is found: the head checkpoint and its run\'s Leg B record still hold it (exit 7)', async () => {
    const dataDir = await ledgerOfThree('tail');
    expect((await cutter('ledger', 'verify', '--data-dir', dataDir)).code).toBe(ExitCode.Ok);
    await asOwnerAroundTriggers(dataDir, 'DELETE FROM cutter.ledger WHERE seq = 3');
    const verified = await cutter('ledger', 'verify', '--data-dir', dataDir);
    expect(verified.code).toBe(ExitCode.IntegrityFailure);
    expect(verified.err).toMatch(/E_LEDGER_BROKEN: record #3: the (head checkpoint|Leg B phase record of run run-3) holds record #3 .*but the ledger ends at #2: its tail was removed/);
  }, 60_000);

  it('a chain replaced whole, head moved along with it, is found by the runs\' Leg B records (exit 7)', async () => {
    const dataDir = await ledgerOfThree('replaced');
    const fake = { kind: 'change-set' as const, changeSetId: 'cs-fake', payload: { rows: 1 } };
    const hash = ledgerRecordHash(GENESIS_HASH, fake);
    await asOwnerAroundTriggers(dataDir, `DELETE FROM cutter.ledger;
      INSERT INTO cutter.ledger (seq, kind, change_set_id, payload, prev_hash, record_hash) VALUES (1, 'change-set', 'cs-fake', '{"rows": 1}', '${GENESIS_HASH}', '${hash}');
      UPDATE cutter.ledger_head SET seq = 1, record_hash = '${hash}'`);
    const verified = await cutter('ledger', 'verify', '--data-dir', dataDir, '--json');
    expect(verified.code).toBe(ExitCode.IntegrityFailure);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: false, seq: 1, reason: expect.stringContaining('Leg B phase record of run run-1 holds') });
  }, 60_000);

  it('a signed checkpoint catches what the target\'s own anchors cannot: a tail removed with every anchor rewound to match', async () => {
    const dataDir = await ledgerOfThree('checkpointed');
    const file = join(dir, 'head.json');
    const signed = await cutter('ledger', 'checkpoint', '--data-dir', dataDir, '--as', 'audrey', '--key', join(dir, 'auditor.key'), '--out', file);
    expect(signed.code, signed.err).toBe(ExitCode.Ok);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 'cutter-ledger-checkpoint/1', seq: 3, signer: 'audrey' });
    expect((await cutter('ledger', 'verify', '--data-dir', dataDir, '--checkpoint', file, '--config', join(dir, 'config.json'))).code).toBe(ExitCode.Ok);

    await asOwnerAroundTriggers(dataDir, `DELETE FROM cutter.ledger WHERE seq = 3; DELETE FROM cutter.phase_records WHERE run_id = 'run-3';
      UPDATE cutter.ledger_head SET (seq, record_hash) = (SELECT seq, record_hash FROM cutter.ledger WHERE seq = 2)`);
    expect((await cutter('ledger', 'verify', '--data-dir', dataDir)).code).toBe(ExitCode.Ok);
    const verified = await cutter('ledger', 'verify', '--data-dir', dataDir, '--checkpoint', file, '--config', join(dir, 'config.json'));
    expect(verified.code).toBe(ExitCode.IntegrityFailure);
    expect(verified.err).toMatch(/record #3: the checkpoint signed by audrey at .* holds record #3 .*its tail was removed/);
  }, 60_000);

  it('a checkpoint changed after it was signed, or signed by someone unknown, is refused as input (exit 3)', async () => {
    const dataDir = await ledgerOfThree('forged');
    const file = join(dir, 'forged.json');
    await cutter('ledger', 'checkpoint', '--data-dir', dataDir, '--as', 'audrey', '--key', join(dir, 'auditor.key'), '--out', file);
    const checkpoint = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...checkpoint, seq: 2 }));
    const changed = await cutter('ledger', 'verify', '--data-dir', dataDir, '--checkpoint', file, '--config', join(dir, 'config.json'));
    expect(changed.code).toBe(ExitCode.InvalidInput);
    expect(changed.err).toContain('was changed after it was signed');
    await writeFile(file, JSON.stringify({ ...checkpoint, signer: 'mallory' }));
    expect((await cutter('ledger', 'verify', '--data-dir', dataDir, '--checkpoint', file, '--config', join(dir, 'config.json'))).err).toContain('mallory, who signed');
  }, 60_000);
});
