/**
 * The embedding example (examples/host-app): a host with its own adapter, kill switch, approval source and logger
 * creates runs over HTTP, takes approvals, and after a restart resumes a run parked by its previous life.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp, type HostApp } from '../../examples/host-app/host-app.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { RunView } from '../../src/runner/run-view.js';
import { approvalFor, policy } from '../support/fixtures.js';

describe('the embedding example: an HTTP host', () => {
  let dataDir = '';
  beforeAll(async () => { dataDir = await mkdtemp(join(tmpdir(), 'cutter-host-')); });
  afterAll(async () => { await rm(dataDir, { recursive: true, force: true }); });

  const start = async (): Promise<{ app: HostApp; base: string }> => {
    const app = await createHostApp({ target: { kind: 'embedded', dataDir }, approvers: policy.approvers, logger: silentLogger });
    await new Promise<void>((resolve) => { app.server.listen(0, '127.0.0.1', resolve); });
    return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
  };
  const post = async (url: string, body: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const doc = { documentId: 'policy', markdown: '# Policy\n\nText.\n\n## Scope\n\nAll of it.\n', initiator: 'carol' };

  it('creates a LIVE run, takes its approvals, and completes it', async () => {
    const { app, base } = await start();
    try {
      expect((await post(`${base}/kill-switch`, { on: true })).body).toEqual({ on: true });
      const created = await post(`${base}/runs`, { ...doc, mode: 'LIVE' });
      expect(created.status).toBe(201);
      const atCut = created.body as unknown as RunView;
      expect(atCut.gate).toBe('SG_1');
      const refused = await post(`${base}/runs/${atCut.context.runId}/approvals`, approvalFor(atCut, 'SG_1', 'alice', {}, 'mallory'));
      expect(refused.status).toBe(409);
      const cut = await post(`${base}/runs/${atCut.context.runId}/approvals`, approvalFor(atCut, 'SG_1'));
      const atEnact = cut.body.view as RunView;
      expect(atEnact.gate).toBe('SG_2');
      const enacted = await post(`${base}/runs/${atCut.context.runId}/approvals`, approvalFor(atEnact, 'SG_2', 'bob'));
      expect((enacted.body.view as RunView).output?.status).toBe('completed');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('after a restart, resumes a run its previous life left parked', async () => {
    const first = await start();
    let parked: RunView;
    try {
      parked = (await post(`${first.base}/runs`, { ...doc, markdown: `${doc.markdown}\n## Review\n\nYearly.\n`, mode: 'DRYRUN' })).body as unknown as RunView;
      expect(parked.gate).toBe('SG_1');
    } finally {
      await first.app.close();
    }
    const second = await start();
    try {
      const status = await fetch(`${second.base}/runs/${parked.context.runId}`).then(async (r) => (await r.json()) as RunView);
      expect(status.state).toBe('awaitingCutApproval');
      const cut = await post(`${second.base}/runs/${parked.context.runId}/approvals`, approvalFor(status, 'SG_1'));
      expect((cut.body.view as RunView).gate).toBe('SG_2');
    } finally {
      await second.app.close();
    }
  }, 60_000);

  it('bad input gets a clear error with its code', async () => {
    const { app, base } = await start();
    try {
      const bad = await post(`${base}/runs`, { documentId: 'Bad Id', markdown: '# X\n\ny', initiator: 'carol' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'E_INVALID_INPUT' });
    } finally {
      await app.close();
    }
  }, 60_000);
});
