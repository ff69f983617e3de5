import { counted } from '../text/plural.js';
import type { ReportModel } from './report-model.js';

/** The report's formatting helpers, passed in so this file does not import the page that imports it. */
export interface SectionFormat {
  readonly e: (text: string) => string;
  readonly time: (iso: string | null) => string;
}

/** The addresses of the change set and each one's action; whether they were written is the timeline's to say. */
export function addressesHtml(model: ReportModel, { e }: Pick<SectionFormat, 'e'>): string {
  const { addresses } = model;
  if (addresses === null) return '';
  const written = model.timeline.some((row) => row.name === 'cut' && row.outcome === 'done');
  const lead = model.header.mode === 'DRYRUN'
    ? 'A DRYRUN writes nothing: these are the addresses a LIVE run of this change set would touch.'
    : written ? 'The cut wrote a draft at each of these addresses (a retirement is done at enactment).' : 'The run has not cut: nothing was written at these addresses yet.';
  const rows = addresses.rows.map((r, i) => `<tr><td class="num">${i + 1}</td><td><code>${e(r.address)}</code></td><td>${e(r.action ?? '—')}</td></tr>`).join('\n');
  const more = addresses.total > addresses.rows.length ? `<p class="note">${counted(addresses.total - addresses.rows.length, 'more address', 'more addresses')} not listed (the first ${addresses.rows.length} are).</p>` : '';
  return `<section id="addresses">
<h2>Addresses in the change set (${counted(addresses.total, 'address', 'addresses')})</h2>
<p class="note">${e(lead)}</p>
<div class="scroll"><table><thead><tr><th>#</th><th>Address</th><th>Action</th></tr></thead>
<tbody>
${rows === '' ? '<tr><td colspan="3">No rows.</td></tr>' : rows}
</tbody></table></div>
${more}
</section>`;
}

/** Every kill-switch record of the ledger made while the run existed: who turned the switch which way, and why. */
export function killSwitchHtml(model: ReportModel, { e, time }: SectionFormat): string {
  const rows = model.killSwitch.map((r) => {
    const state = r.enabled === null ? '<span class="outcome">?</span>' : r.enabled ? '<span class="outcome ok">ON</span>' : '<span class="outcome bad">OFF</span>';
    return `<tr><td class="num">${r.seq}</td><td>${time(r.recordedAt)}</td><td>${state}</td><td>${e(r.by ?? '—')}</td><td class="reason">${e(r.reason ?? '—')}</td></tr>`;
  }).join('\n');
  return `<section id="kill-switch">
<h2>Kill switch during the run</h2>
<table><thead><tr><th>Seq</th><th>Recorded (UTC)</th><th>Switch</th><th>By</th><th>Reason</th></tr></thead>
<tbody>
${rows === '' ? '<tr><td colspan="5">The database kill switch was not turned on or off while this run existed.</td></tr>' : rows}
</tbody></table>
<p class="note">Ledger records of kind <code>kill-switch</code> made from the run's creation to its last update. The in-process switch (<code>CUTTER_EXECUTION_ENABLED</code>) leaves no record.</p>
</section>`;
}
