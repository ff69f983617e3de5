/**
 * COPY's text format: fields separated by tabs, rows by newlines, and backslash, tab, newline and carriage return
 * escaped, so any body round-trips byte for byte; null is written as COPY's NULL marker (backslash N).
 */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyTextField(value: string | number | null): string {
  if (value === null) return '\\N';
  return typeof value === 'number' ? String(value) : value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}

/** One row as a COPY text line, newline included. */
export function copyTextLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(copyTextField).join('\t')}\n`;
}

/** The COPY statement for `table (columns)` reading from `source` ('STDIN', or PGlite's '/dev/blob'). */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source}`;
}
