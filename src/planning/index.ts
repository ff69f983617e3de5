/**
 * Planning: turning source documents (Markdown, JSON, NDJSON) into a validated cutplan.
 *
 * @packageDocumentation
 */
export { cutMarkdown, slugify, type MarkdownDocument } from './markdown-cutter.js';
export { parseRowsJson, parseRowsNdjson } from './rows-input.js';
export { planFromMarkdown, planFromRows, loadPlanSources, readSourceText } from './plan.js';
