/**
 * A small host application that embeds Cutter behind HTTP. It brings its own live adapter (on its own target), its
 * own kill switch, its own approval source (the approvers' public keys it trusts) and its own logger, and it persists
 * runs in the target so that a restarted host resumes them. See docs/embedding.md.
 *
 *   POST /runs                       { documentId, markdown, mode: "DRYRUN" | "LIVE", initiator }  → the run's view
 *   GET  /runs/:id                   → the run's view
 *   POST /runs/:id/approvals         a signed approval (JSON)                                    → the run's view
 *   POST /kill-switch                { on: boolean }                                              → { on }
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  applyMigrations,
  createDurableRun,
  CutterError,
  DryRunSimulator,
  InMemoryKillSwitch,
  openTarget,
  planFromMarkdown,
  PostgresLiveExecutionAdapter,
  PostgresRunStore,
  restoreRun,
  setDatabaseKillSwitch,
  snapshotBackupRunner,
  type ApprovalPolicy,
  type Logger,
  type Run,
  type TargetConfig,
} from '../../src/index.js';

export interface HostAppOptions {
  readonly target: TargetConfig;
  /** Approver name → Ed25519 public key (PEM), or `{ publicKey, groups }`: the host's approval source. */
  readonly approvers: ApprovalPolicy['approvers'];
  readonly logger: Logger;
}

export interface HostApp {
  readonly server: Server;
  readonly killSwitch: InMemoryKillSwitch;
  close(): Promise<void>;
}

const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
};

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** Creates the host: opens its target, applies Cutter's schema, and serves the routes above. */
export async function createHostApp(options: HostAppOptions): Promise<HostApp> {
  const target = await openTarget(options.target);
  await target.admin((s) => applyMigrations(s));
  const store = new PostgresRunStore((work) => target.admin(work));
  const killSwitch = new InMemoryKillSwitch(false);
  const approvals = { approvers: options.approvers };
  const executorFor = (mode: string) =>
    mode === 'LIVE'
      ? new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner })
      : new DryRunSimulator();
  // Runs this process is driving. After a restart the map is empty and runs are restored from the store on demand.
  const live = new Map<string, Run>();
  const runFor = async (runId: string): Promise<Run> => {
    const known = live.get(runId);
    if (known !== undefined) return known;
    const stored = await store.load(runId);
    const run = await restoreRun({ store, runId, approvals, executor: executorFor(stored?.run.mode ?? 'DRYRUN'), killSwitch, logger: options.logger });
    live.set(runId, run);
    return run;
  };

  const server = createServer((req, res) => {
    const handle = async (): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://host');
      const [, first, id, action] = url.pathname.split('/');
      if (req.method === 'POST' && first === 'runs' && id === undefined) {
        const body = (await readJson(req)) as { documentId: string; markdown: string; mode?: string; initiator: string };
        const mode = body.mode === 'LIVE' ? 'LIVE' : 'DRYRUN';
        const plan = planFromMarkdown([{ documentId: body.documentId, markdown: body.markdown }]);
        const run = await createDurableRun({ store, mode, plan, initiator: body.initiator, approvals, executor: executorFor(mode), killSwitch, logger: options.logger });
        live.set(run.id, run);
        run.start();
        send(res, 201, await run.settled());
      } else if (req.method === 'GET' && first === 'runs' && id !== undefined) {
        send(res, 200, (await runFor(id)).view());
      } else if (req.method === 'POST' && first === 'runs' && id !== undefined && action === 'approvals') {
        const run = await runFor(id);
        const outcome = run.approve((await readJson(req)) as never);
        send(res, outcome.accepted ? 200 : 409, { outcome, view: await run.settled() });
      } else if (req.method === 'POST' && first === 'kill-switch') {
        const { on } = (await readJson(req)) as { on: boolean };
        if (on) killSwitch.turnOn(); else killSwitch.turnOff();
        await target.admin((s) => setDatabaseKillSwitch(s, on, 'host-app', 'set over HTTP'));
        send(res, 200, { on });
      } else {
        send(res, 404, { error: 'not found' });
      }
    };
    handle().catch((error: unknown) => {
      options.logger.warn({ err: error }, 'request failed');
      if (error instanceof CutterError) send(res, 400, { code: error.code, message: error.message, hint: error.hint });
      else send(res, 500, { code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) });
    });
  });

  return {
    server,
    killSwitch,
    async close() {
      for (const run of live.values()) run.stop();
      await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
      await target.close();
    },
  };
}
