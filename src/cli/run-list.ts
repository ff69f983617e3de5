import { statusWordOf } from '../runner/run-view.js';
import type { StoredRun } from '../runs/run-store.js';

/** Runs oldest first (by when each was created, then id), so the newest is the last line, nearest the prompt. */
export function runsByTime(runs: readonly StoredRun[]): StoredRun[] {
  return [...runs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

const HEADER = ['RUN', 'MODE', 'STATE', 'STATUS', 'INITIATOR', 'CREATED (UTC)', 'UPDATED (UTC)'] as const;

/** `2026-12-06T00:18:04.123Z` → `2026-12-06 00:18:04`: the second is enough to tell runs apart in a list. */
const shortTime = (iso: string): string => (Number.isNaN(Date.parse(iso)) ? iso : new Date(iso).toISOString().slice(0, 19).replace('T', ' '));

/**
 * `cutter list` as a table: a header, then one line per run, oldest first; columns as wide as their widest cell. STATUS
 * is the word `cutter status` shows ({@link statusWordOf}).
 */
export function runListLines(runs: readonly StoredRun[]): string[] {
  const cells = runsByTime(runs).map((r) => [r.runId, r.mode, r.state, statusWordOf(r), r.initiator, shortTime(r.createdAt), shortTime(r.updatedAt)]);
  const widths = HEADER.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(HEADER), ...cells.map(line)];
}
