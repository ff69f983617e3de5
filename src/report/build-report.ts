import type { NextStep } from '../policy/next-steps.js';
import type { RunView } from '../runner/run-view.js';
import { runMachine } from '../../machines/run-machine.js';
import { describeStatechart } from '../chart/index.js';
import type { LedgerRecord } from '../domain/ledger-chain.js';
import type { Cutplan } from '../domain/cutplan.js';
import { RunNotFound } from '../runs/errors.js';
import { findRun, type PlanPage, type RunStore } from '../runs/run-store.js';
import { viewOfStoredRun } from '../runs/upgrade/stored-view.js';
import { renderReportHtml } from './render-html.js';
import { buildReportModel, MAX_ADDRESSES_SHOWN, type ReportModel } from './report-model.js';
import { renderPathSvg } from './statechart-svg.js';

export interface RunReportOptions {
  readonly store: RunStore;
  readonly runId: string;
  /** The target's whole ledger, in order, with each record's time. */
  readonly readLedger: () => Promise<readonly (LedgerRecord & { readonly recordedAt: string })[]>;
  /** Where the run lives, for people: a masked DSN or a folder. */
  readonly target: string;
  readonly now?: Date;
  /** What the run, if parked, can do next and what each step needs (the CLI reads the policy and kill switches for it). */
  readonly nextSteps?: (view: RunView) => Promise<readonly NextStep[]>;
}

/**
 * Reads a stored run, its journal and the ledger, and returns the report's model and its HTML page. Reads only:
 * the snapshot is resolved against the unbound machine, so no phase can run.
 *
 * @example
 * const { html } = await buildRunReport({ store, runId, readLedger: () => target.admin(readTimedLedger), target: target.description });
 */
export async function buildRunReport(options: RunReportOptions): Promise<{ model: ReportModel; html: string }> {
  const loaded = await findRun(options.store, options.runId);
  if (loaded === null) throw new RunNotFound(options.runId);
  if (loaded.snapshot === null) throw new RunNotFound(`${options.runId} (stored, but never started)`);
  const graph = describeStatechart(runMachine);
  const { view } = viewOfStoredRun(loaded.run, loaded.snapshot);
  const model = buildReportModel({
    graph,
    stored: loaded.run,
    view,
    next: view.parked && options.nextSteps !== undefined ? await options.nextSteps(view) : [],
    // Only addresses and actions of the plan reach the page; a plan the store cannot give back leaves the section out.
    ...(await planOf(options.store, options.runId)),
    journal: await options.store.journal(options.runId),
    ledger: await options.readLedger(),
    target: options.target,
    generatedAt: (options.now ?? new Date()).toISOString(),
  });
  const svg = await renderPathSvg(graph, model.path, model.header.state);
  return { model, html: renderReportHtml(model, svg) };
}

/** What the report shows of the plan: a page where the store pages plans (never the whole plan), else the plan loaded. */
async function planOf(store: RunStore, runId: string): Promise<{ planPage: PlanPage } | { plan: Cutplan | null }> {
  const page = await store.planPage?.(runId, MAX_ADDRESSES_SHOWN).catch(() => null) ?? null;
  if (page !== null) return { planPage: page };
  return { plan: await store.load(runId).then((stored) => stored?.plan ?? null, () => null) };
}
