import type * as Diff from 'diff';
import { loadOnDemand } from '../modules/load-on-demand.js';
import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import { OptionMissing } from '../errors/index.js';
import { classifyPlan, type ClassifiedPlan } from '../postgres/classify.js';
import type { ClassifiedAddress } from '../postgres/sql/classify-plan.js';
import { schemaVersionOf } from '../postgres/migrations/index.js';
import type { OpenTarget } from '../postgres/open-target.js';
import type { Terminal } from './terminal.js';

const diffModule = loadOnDemand<typeof Diff>('diff');

/** How planning retires: `--retire-missing` within the sources' documents, or within `--scope` prefixes. */
export interface RetireOptions {
  readonly retireMissing?: boolean;
  readonly scope?: readonly string[];
}

/**
 * `--scope` only says where `--retire-missing` retires: given alone it would retire nothing, silently, so it is a usage
 * error (exit 2), checked before any source is read or any target opened.
 */
export function checkRetireOptions(options: RetireOptions): void {
  if (options.scope !== undefined && options.scope.length > 0 && options.retireMissing !== true) {
    throw new OptionMissing('retire-missing', '--scope names where --retire-missing retires; without it nothing is retired');
  }
}

/**
 * The address prefixes within which `--retire-missing` retires what the sources no longer name: the `--scope`
 * prefixes if given, else the documents the sources are (the first segment of each address: a Markdown file's id).
 */
export function retireScopes(sources: Cutplan, options: RetireOptions): string[] {
  if (options.retireMissing !== true) return [];
  if (options.scope !== undefined && options.scope.length > 0) return [...new Set(options.scope.map((s) => s.replace(/\/+$/, '')))];
  return [...new Set(sources.rows.map((r) => r.address.split('/')[0] ?? r.address))].sort();
}

/**
 * Plans the sources against the target as `cutter plan` and `cutter run` do: the exact change set (new, changed,
 * retired; unchanged left out). A target without the cutter schema holds nothing: every address is new.
 */
export async function planAgainstTarget(target: OpenTarget, sources: Cutplan, options: RetireOptions): Promise<ClassifiedPlan> {
  const version = await target.admin((s) => schemaVersionOf(s));
  if (version === 0) {
    return {
      plan: validateCutplan(sources.rows.map(({ address, title, body, source }) => ({ address, title, body, action: 'new', ...(source === undefined ? {} : { source }) }))),
      addresses: sources.rows.map((r) => ({ address: r.address, action: 'new', version: 1 })),
      counts: { new: sources.rows.length, changed: 0, retire: 0, unchanged: 0 },
      target: new Map(),
    };
  }
  return classifyPlan(target.provider, sources, { retireMissingWithin: retireScopes(sources, options) });
}

const SIGN = { new: '+', changed: '~', retire: '-', unchanged: '=' } as const;

/** `+2 new  ~1 changed  -1 retired  =24 unchanged`. */
export function countsLine(classified: Pick<ClassifiedPlan, 'counts'>): string {
  const { counts } = classified;
  return `+${counts.new} new  ~${counts.changed} changed  -${counts.retire} retired  =${counts.unchanged} unchanged`;
}

/** One address of the plan for people: `  ~ handbook/backups  v3, supersedes v2`, coloured by its action. */
export function addressLine(a: ClassifiedAddress, terminal: Terminal): string {
  const paint = {
    new: (t: string) => terminal.green(t), changed: (t: string) => terminal.yellow(t), retire: (t: string) => terminal.red(t), unchanged: (t: string) => terminal.dim(t),
  } as const;
  const detail = a.action === 'changed' ? `v${a.version}, supersedes v${a.supersedes ?? '?'}` : a.action === 'retire' ? `v${a.version} retired` : `v${a.version}`;
  return paint[a.action](`  ${SIGN[a.action]} ${a.address}  ${terminal.dim(detail)}`);
}

/** The plan's diff for people, as `terraform plan` shows one: the counts, then each address with its action. */
export function printClassified(classified: ClassifiedPlan, terminal: Terminal, options: { all?: boolean } = {}): void {
  terminal.line(`${terminal.bold('changes')}    ${countsLine(classified)}`);
  for (const a of classified.addresses) {
    if (a.action === 'unchanged' && options.all !== true) continue;
    terminal.line(addressLine(a, terminal));
  }
  if (classified.counts.unchanged > 0 && options.all !== true) terminal.line(terminal.dim(`  = ${classified.counts.unchanged} unchanged (--all lists them)`));
}

/** The unified diff of each changed body against the enacted one (and of each retired body against nothing). */
export async function bodyDiffs(target: OpenTarget, classified: ClassifiedPlan): Promise<string[]> {
  const touched = (classified.plan?.rows ?? []).filter((r) => r.action === 'changed' || r.action === 'retire');
  if (touched.length === 0) return [];
  const { rows } = await target.admin((s) => s.query<{ address: string; body: string }>(
    "SELECT address, body FROM cutter.iu_versions WHERE status = 'enacted' AND address = ANY ($1::text[])", [touched.map((r) => r.address)],
  ));
  const enacted = new Map(rows.map((r) => [r.address, r.body]));
  return touched.map((r) => bodyDiff(r.address, r.action === 'retire' ? 'retire' : 'changed', r.body, enacted.get(r.address) ?? ''));
}

/** The unified diff of one changed body against the enacted one, or of a retired body against nothing. */
export function bodyDiff(address: string, action: 'changed' | 'retire', planned: string, enacted: string): string {
  return diffModule().createTwoFilesPatch(`${address} (enacted)`, action === 'retire' ? `${address} (retired)` : `${address} (planned)`, withNewline(enacted), action === 'retire' ? '' : withNewline(planned));
}

const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
