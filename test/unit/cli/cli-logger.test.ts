import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCliLogger, resolveLogSettings } from '../../../src/cli/cli-logger.js';
import { Mode } from '../../../src/domain/mode.js';
import { samplePlan } from '../../support/fixtures.js';
import { driveToCompletion, startRun } from '../../support/drive.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

describe('the CLI log settings', () => {
  it('default to warn, readable lines on a TTY and JSON lines elsewhere', () => {
    expect(resolveLogSettings({}, {}, true)).toEqual({ level: 'warn', format: 'pretty', color: true });
    expect(resolveLogSettings({}, {}, false)).toEqual({ level: 'warn', format: 'json', color: false });
  });

  it('take the environment, and a flag beats the environment', () => {
    const env = { CUTTER_LOG_LEVEL: 'debug', CUTTER_LOG_FORMAT: 'pretty' };
    expect(resolveLogSettings({}, env, false)).toMatchObject({ level: 'debug', format: 'pretty' });
    expect(resolveLogSettings({ logLevel: 'error', logFormat: 'json' }, env, true)).toMatchObject({ level: 'error', format: 'json' });
  });

  it('respect NO_COLOR and TERM=dumb', () => {
    expect(resolveLogSettings({}, { NO_COLOR: '' }, true).color).toBe(false);
    expect(resolveLogSettings({}, { TERM: 'dumb' }, true).color).toBe(false);
  });

  it('refuse an unknown level or format, naming where it came from', () => {
    expect(() => resolveLogSettings({ logLevel: 'loud' }, {}, false)).toThrow(/--log-level.*loud/);
    expect(() => resolveLogSettings({}, { CUTTER_LOG_LEVEL: 'loud' }, false)).toThrow(/CUTTER_LOG_LEVEL/);
    expect(() => resolveLogSettings({ logFormat: 'xml' }, {}, false)).toThrow(/--log-format/);
  });
});

describe('the CLI logger', () => {
  it('writes JSON lines naming the run, its mode and each phase, with secrets redacted', async () => {
    const out = sink();
    const logger = createCliLogger({ level: 'info', format: 'json', color: false }, out.stream);
    const { run, view } = await startRun({ mode: Mode.DryRun, plan: samplePlan(2), logger });
    await driveToCompletion(run, view);
    logger.info({ dsn: 'postgres://u:hunter2@h/db' }, 'connected');
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const phases = lines.filter((line) => line.msg === 'phase finished');
    // Precheck and planning too: `--log-level info` used to say nothing about them.
    expect(phases.map((line) => line.phase)).toEqual(['precheck', 'planning', 'preWriteBackup', 'cutLegA', 'legBRecord', 'writeVerify', 'lifecycleEnact']);
    for (const line of phases) expect(line).toMatchObject({ runId: run.id, mode: 'DRYRUN' });
    expect(out.text()).not.toContain('hunter2');
  });

  it('writes readable lines when pretty, without colour when colour is off', () => {
    const out = sink();
    const logger = createCliLogger({ level: 'info', format: 'pretty', color: false }, out.stream);
    logger.child({ runId: 'r-1' }).info({ phase: 'cutLegA' }, 'phase started');
    const text = out.text();
    expect(text).toMatch(/INFO.*phase started/);
    expect(text).toContain('"runId":"r-1"');
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).not.toContain('\u001b[');
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});
