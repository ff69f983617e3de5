import type { OpenTarget } from '../postgres/open-target.js';
import { schemaVersionOf } from '../postgres/migrations/index.js';
import { DbRole } from '../postgres/port.js';
import { inRolledBackTransaction } from '../postgres/transaction.js';
import { stagedAddresses, stagedChangeSet, stagedTouched, stagePlan, type StagedPlan } from '../postgres/sql/streamed-plan.js';
import { reopenableSourceRows, type SourceFile } from '../planning/source-rows.js';
import { counted } from '../text/plural.js';
import type { PlanOptions } from './commands/plan.js';
import { ExitCode } from './exit-codes.js';
import { writeOutputFile } from './output-file.js';
import { addressLine, bodyDiff, countsLine, type RetireOptions } from './plan-against-target.js';
import { asFileChunks, prettyJsonPieces } from './pretty-json-stream.js';
import type { Terminal } from './terminal.js';

/**
 * `cutter plan` against PostgreSQL, with the plan never held in the process: the sources are read, validated and their
 * keys COPYed into a temporary stage row by row, classified server-side, and read again for the change set's rows alone
 * (stagePlan), and what is printed or written is read back through cursors, in the output `cutter plan` gives for a plan held in memory, byte for byte.
 * Read-only: everything happens in one transaction that is rolled back. `--diff` with `--json` holds the diffs.
 */
export async function runStreamedPlan(files: readonly SourceFile[], target: OpenTarget, options: PlanOptions, terminal: Terminal): Promise<ExitCode> {
  // Classification reads the target as cutter_verify; a database without the cutter schema (every address new) may be
  // on a server where that role does not exist yet, so there the stage is the administrator's (still rolled back).
  if ((await target.admin((s) => schemaVersionOf(s))) === 0) {
    return target.admin(async (session) => {
      await session.query('BEGIN');
      try {
        return await planIn(session, files, target.description, options, terminal);
      } finally {
        await session.query('ROLLBACK').catch(() => undefined);
      }
    });
  }
  return inRolledBackTransaction(target.provider, DbRole.Verify, (session) => planIn(session, files, target.description, options, terminal));
}

type Session = Awaited<ReturnType<OpenTarget['provider']>>;

async function planIn(session: Session, files: readonly SourceFile[], description: string, options: PlanOptions, terminal: Terminal): Promise<ExitCode> {
  const staged = await stagePlan(session, reopenableSourceRows(files), retireWithin(options));
  const { planHash } = staged;
  // Only a changed or retired row has an enacted body to diff (and a target without the schema has none).
  const touched = options.diff && staged.counts.changed + staged.counts.retire > 0;
  if (options.out !== undefined && planHash !== null) {
    await writeOutputFile(options.out, asFileChunks(prettyJsonPieces({ format: 'cutter-plan/2', planHash }, 'rows', stagedChangeSet(session))));
  }
  if (options.json) {
    const diffs: string[] = [];
    if (touched) for await (const t of stagedTouched(session)) diffs.push(bodyDiff(t.address, t.action, t.body, t.enacted));
    const head = { target: description, planHash, counts: staged.counts, rowCount: staged.rowCount };
    const tail = { ...(options.diff ? { diffs } : {}), out: planHash === null ? null : (options.out ?? null) };
    for await (const piece of prettyJsonPieces(head, 'addresses', stagedAddresses(session, options.all), tail)) terminal.line(piece);
    return ExitCode.Ok;
  }
  terminal.line(`${terminal.bold('target')}     ${description}`);
  terminal.line(`${terminal.bold('changes')}    ${countsLine(staged)}`);
  if (options.all) for await (const a of stagedAddresses(session, true)) terminal.line(addressLine(a, terminal));
  if (touched) for await (const t of stagedTouched(session)) terminal.line(bodyDiff(t.address, t.action, t.body, t.enacted).trimEnd());
  return printTail(staged, options, terminal);
}

function printTail(staged: StagedPlan, options: PlanOptions, terminal: Terminal): ExitCode {
  if (staged.planHash === null) {
    terminal.line(terminal.green('nothing to change: the target already holds these sources'));
    return ExitCode.Ok;
  }
  terminal.line(`${terminal.bold('plan hash')}  ${staged.planHash}  ${terminal.dim(`(${counted(staged.rowCount, 'row')}; an approval approves exactly this diff)`)}`);
  if (options.out !== undefined) terminal.line(`wrote ${options.out}`);
  if (!options.all) terminal.line(terminal.dim('  --all lists each address, --diff shows each changed body, --out or --json writes the rows'));
  return ExitCode.Ok;
}

/** `--retire-missing` within `--scope`, or (null) within the sources' documents; no retirement without it. */
export function retireWithin(options: RetireOptions): readonly string[] | null {
  if (options.retireMissing !== true) return [];
  if (options.scope !== undefined && options.scope.length > 0) return [...new Set(options.scope.map((s) => s.replace(/\/+$/, '')))];
  return null;
}
