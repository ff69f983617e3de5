import type { Command } from 'commander';
import { ledgerCheckpointValid, parseLedgerCheckpoint, signLedgerCheckpoint, type LedgerCheckpoint } from '../../approvals/ledger-checkpoint.js';
import { loadConfig } from '../../config/config.js';
import { entryFor } from '../../domain/identity.js';
import { checkLedgerAnchors, type LedgerAnchor } from '../../domain/ledger-anchors.js';
import { GENESIS_HASH, verifyLedgerChain, type LedgerRecord } from '../../domain/ledger-chain.js';
import { ErrorCode, InvalidInput, OptionMissing } from '../../errors/index.js';
import { openTarget, type OpenTarget } from '../../postgres/open-target.js';
import { readLedger, readTimedLedger } from '../../postgres/sql/ledger.js';
import { readLedgerAnchors } from '../../postgres/sql/ledger-anchors.js';
import { readApproverKeyFile } from '../approver-key-file.js';
import { readOptionFile } from '../command-options.js';
import { ExitCode } from '../exit-codes.js';
import { ledgerRecordLine } from '../history-lines.js';
import { writeOutputFile } from '../output-file.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';
import { counted } from '../../text/plural.js';

type Verdict = { readonly ok: true; readonly records: number; readonly headSeq: number; readonly headHash: string; readonly anchors: number } | { readonly ok: false; readonly seq: number; readonly reason: string };

/**
 * The ledger and everything that vouches for it: the chain record by record, then its anchors (the head checkpoint,
 * every run's Leg B phase record, and a signed checkpoint if given), so a removed tail or a replaced chain is found too.
 */
async function verifyLedger(target: OpenTarget, extra: readonly LedgerAnchor[]): Promise<{ verdict: Verdict; records: LedgerRecord[] }> {
  const { records, anchors } = await target.admin(async (s) => ({ records: await readLedger(s), anchors: await readLedgerAnchors(s) }));
  const chain = verifyLedgerChain(records);
  if (!chain.ok) return { verdict: chain, records };
  const all = [...anchors, ...extra];
  const anchored = checkLedgerAnchors(records, all);
  if (!anchored.ok) return { verdict: anchored, records };
  return { verdict: { ok: true, records: chain.records, headSeq: records.at(-1)?.seq ?? 0, headHash: chain.headHash, anchors: all.length }, records };
}

/** A checkpoint file, read and its signature checked against the signer's public key in the configuration. */
async function trustedCheckpoint(file: string, configFile: string | undefined): Promise<LedgerCheckpoint> {
  const text = await readOptionFile(file, 'checkpoint');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidInput('checkpoint', `cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const checkpoint = parseLedgerCheckpoint(raw);
  if (checkpoint === null) throw new InvalidInput('checkpoint', `${file} is not a ledger checkpoint (cutter ledger checkpoint --out)`);
  const publicKey = entryFor((await loadConfig(configFile)).approvers, checkpoint.signer);
  if (publicKey === undefined) throw new InvalidInput('checkpoint', `${checkpoint.signer}, who signed ${file}, has no public key in the configuration's approvers`);
  if (!ledgerCheckpointValid(checkpoint, publicKey)) throw new InvalidInput('checkpoint', `${file} is not signed by ${checkpoint.signer}'s key, or was changed after it was signed`);
  return checkpoint;
}

/** What to do when the chain does not verify: nothing Cutter can repair, a matter for whoever keeps the database. */
export const LEDGER_BROKEN_HINT = 'Stop LIVE runs on this target (cutter kill-switch off) and investigate: compare the named record with a backup or a signed checkpoint (cutter ledger verify --checkpoint <file>) and find who changed it.';

function printVerdict(verdict: Verdict, terminal: Terminal, json: boolean): void {
  if (json) terminal.line(JSON.stringify(verdict, null, 2));
  else if (verdict.ok) terminal.line(`${terminal.green('ok')}: ${counted(verdict.records, 'record')}, chain intact, head #${verdict.headSeq} ${verdict.headHash}, ${verdict.anchors} anchors hold`);
  else {
    terminal.error(`${terminal.red('error')} ${ErrorCode.LedgerBroken}: record #${verdict.seq}: ${verdict.reason}`);
    terminal.error(`${terminal.dim('hint:')} ${LEDGER_BROKEN_HINT}`);
  }
}

interface LedgerOptions extends TargetOptions {
  readonly json: boolean;
  readonly config?: string;
  readonly checkpoint?: string;
  readonly as?: string;
  readonly key?: string;
  readonly out?: string;
}

/** Registers `cutter ledger verify` and `cutter ledger checkpoint`. */
export function registerLedger(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  const ledger = program.command('ledger').description('the governance ledger');
  withTargetOptions(
    ledger
      .command('verify')
      .description('check the ledger\'s hash chain record by record, then that every record vouched for elsewhere (the head checkpoint, each run\'s Leg B record, a signed checkpoint) is still there unchanged; names the first bad record (exit 7)'),
  )
    .option('--checkpoint <file>', 'a signed checkpoint from `cutter ledger checkpoint`: its record must still be there with its hash')
    .option('--config <file>', 'configuration file whose approvers hold the checkpoint signer\'s public key')
    .option('--json', 'print the result as JSON', false)
    .action(async (options: LedgerOptions) => {
      const extra: LedgerAnchor[] = [];
      if (options.checkpoint !== undefined) {
        const checkpoint = await trustedCheckpoint(options.checkpoint, options.config);
        if (checkpoint.seq > 0) extra.push({ source: `checkpoint signed by ${checkpoint.signer} at ${checkpoint.at}`, seq: checkpoint.seq, recordHash: checkpoint.recordHash });
      }
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      try {
        const { verdict } = await verifyLedger(target, extra);
        printVerdict(verdict, terminal, options.json);
        setExit(verdict.ok ? ExitCode.Ok : ExitCode.IntegrityFailure);
      } finally {
        await target.close();
      }
    });

  withTargetOptions(
    ledger
      .command('show')
      .description('print the ledger\'s records, oldest first: sequence, kind, change set, time, hash, and what each records (read-only)'),
  )
    .option('--since <seq or time>', 'only records after this sequence number (--since 8 starts at #9: give the last one you saw), or at or after this ISO time')
    .option('--json', 'print JSON', false)
    .action(async (options: TargetOptions & { since?: string; json: boolean }) => {
      const since = options.since;
      const bySeq = since !== undefined && /^\d+$/.test(since);
      if (since !== undefined && !bySeq && Number.isNaN(Date.parse(since))) throw new InvalidInput('since', 'must be a record sequence number (e.g. 12) or an ISO time (e.g. 2026-11-01T00:00:00Z)');
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      try {
        const records = (await target.admin((s) => readTimedLedger(s))).filter((r) => since === undefined || (bySeq ? r.seq > Number(since) : Date.parse(r.recordedAt) >= Date.parse(since)));
        if (options.json) terminal.line(JSON.stringify(records, null, 2));
        else if (records.length === 0) terminal.line('no records');
        else {
          for (const r of records) {
            terminal.line(ledgerRecordLine(r, terminal));
          }
        }
        setExit(ExitCode.Ok);
      } finally {
        await target.close();
      }
    });

  withTargetOptions(
    ledger
      .command('checkpoint')
      .description('verify the ledger, then sign its head (sequence and hash) with your key: keep the file, and check the ledger against it later with `cutter ledger verify --checkpoint`'),
  )
    .option('--as <name>', 'who signs (their public key must be in the configuration\'s approvers to verify it later)')
    .option('--key <file>', 'their Ed25519 private key (PEM), from `cutter keys generate`')
    .option('--out <file>', 'write the checkpoint here (default: print it)')
    .option('--json', 'print the checkpoint as JSON (the default when --out is not given)', false)
    .action(async (options: LedgerOptions) => {
      if (options.as === undefined || options.as.trim() === '') throw new OptionMissing('as', 'who signs the checkpoint');
      if (options.key === undefined) throw new OptionMissing('key', 'the signer\'s private key file');
      const privateKey = await readApproverKeyFile(options.key);
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      try {
        const { verdict } = await verifyLedger(target, []);
        if (!verdict.ok) {
          printVerdict(verdict, terminal, false);
          setExit(ExitCode.IntegrityFailure);
          return;
        }
        const checkpoint = signLedgerCheckpoint({
          format: 'cutter-ledger-checkpoint/1', target: target.description, seq: verdict.headSeq,
          recordHash: verdict.records === 0 ? GENESIS_HASH : verdict.headHash, at: new Date().toISOString(), signer: options.as,
        }, privateKey);
        const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
        if (options.out === undefined) terminal.line(text.trimEnd());
        else {
          await writeOutputFile(options.out, text);
          terminal.line(`${terminal.green('signed')}: ledger head #${checkpoint.seq} ${checkpoint.recordHash} by ${checkpoint.signer}, written to ${options.out}`);
        }
        setExit(ExitCode.Ok);
      } finally {
        await target.close();
      }
    });
}
