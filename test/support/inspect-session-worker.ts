/**
 * A separate process that streams one DRYRUN run, as `--inspect` does, to the relay on the port in argv, and prints
 * its run id and pid as one JSON line: for the test that runs of two processes never share a session id in a viewer.
 */
import { openSocketInspector } from '../../src/cli/inspect-socket.js';
import { DryRunSimulator } from '../../src/executors/simulator.js';
import { createRun } from '../../src/runner/create-run.js';
import { policy, samplePlan } from './fixtures.js';

const port = Number(process.argv[2]);
const socket = openSocketInspector(port);
const run = createRun({ mode: 'DRYRUN', plan: samplePlan(1), initiator: 'carol', approvals: policy, executor: new DryRunSimulator(), inspect: socket.inspect });
run.start();
await run.settled();
const report = await socket.close();
process.stdout.write(`${JSON.stringify({ runId: run.id, pid: process.pid, connected: report.connected, sent: report.sent })}\n`);
