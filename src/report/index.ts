/**
 * Run reports: one self-contained HTML page per run (header, statechart with the run's path, phase timeline,
 * approvals, ledger entries), built from the stored run, its journal and the ledger.
 * @packageDocumentation
 */
export { buildRunReport, type RunReportOptions } from './build-report.js';
export { buildReportModel, type LedgerRow, type ReportHeader, type ReportInput, type ReportModel } from './report-model.js';
export { collectDecisions, type DecisionRow } from './decisions.js';
export { buildTimeline, phaseSummary, type TimelineKind, type TimelineRow } from './phase-timeline.js';
export { deriveRunPath, type PathStep, type RunPath } from './run-path.js';
export { escapeHtml, renderReportHtml } from './render-html.js';
export { renderPathSvg } from './statechart-svg.js';
