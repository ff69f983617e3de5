/** Approval requests and their signing away from the target: what is signed is exactly the request, and bad input is refused naming the field. */
import { describe, expect, it } from 'vitest';
import { APPROVAL_REQUEST_FORMAT, parseApprovalRequest, signApprovalRequest, type ApprovalRequest } from '../../../src/approvals/approval-request.js';
import { signatureValid } from '../../../src/approvals/index.js';
import { keys } from '../../support/fixtures.js';

const NOW = new Date('2026-12-07T10:00:00Z');
const request: ApprovalRequest = {
  format: APPROVAL_REQUEST_FORMAT,
  runId: 'run-1',
  gate: 'SG_2',
  changeSetId: 'cs-1',
  planHash: 'a'.repeat(64),
  policyHash: 'b'.repeat(64),
  counts: { rows: 3, new: 1, changed: 1, retired: 1 },
  reviewDecisionRequired: true,
  validity: { notBefore: '2026-12-07T11:00:00.000Z', notAfter: '2026-12-07T18:00:00.000Z' },
  needs: [],
};

describe('approval requests', () => {
  it('signs exactly the request: run, gate, change set, plan, policy and validity, with a verifiable signature', () => {
    const approval = signApprovalRequest(request, { approver: 'alice', reason: 'read the diff', privateKeyPem: keys.alice.privateKey, reviewDecisionId: 'RD-1', now: NOW });
    expect(approval).toMatchObject({
      gate: 'SG_2', runId: 'run-1', changeSetId: 'cs-1', planHash: request.planHash, policyHash: request.policyHash,
      notBefore: request.validity.notBefore, expiresAt: request.validity.notAfter, issuedAt: NOW.toISOString(), reviewDecisionId: 'RD-1',
    });
    expect(signatureValid(approval, keys.alice.publicKey)).toBe(true);
    expect(signatureValid({ ...approval, policyHash: 'c'.repeat(64) }, keys.alice.publicKey)).toBe(false);
  });

  it('refuses an expired request, a missing review decision at SG_2 and a key that is not a private key, naming each', () => {
    const sign = (overrides: Partial<Parameters<typeof signApprovalRequest>[1]>, r: ApprovalRequest = request) =>
      () => signApprovalRequest(r, { approver: 'alice', reason: 'r', privateKeyPem: keys.alice.privateKey, reviewDecisionId: 'RD-1', now: NOW, ...overrides });
    expect(sign({ now: new Date('2026-12-08T00:00:00Z') })).toThrow(expect.objectContaining({ code: 'E_INVALID_INPUT', field: 'request.validity.notAfter' }));
    const { reviewDecisionId: _omitted, ...withoutDecision } = { reviewDecisionId: 'x', approver: 'alice', reason: 'r', privateKeyPem: keys.alice.privateKey, now: NOW };
    expect(() => signApprovalRequest(request, withoutDecision)).toThrow(expect.objectContaining({ field: 'review-decision' }));
    expect(sign({ privateKeyPem: keys.alice.publicKey })).toThrow(expect.objectContaining({ field: 'key' }));
  });

  it('reads a request naming the field at fault, and refuses text that is not JSON', () => {
    expect(parseApprovalRequest(JSON.stringify(request), 'req.json')).toEqual(request);
    expect(() => parseApprovalRequest('{', 'req.json')).toThrow(expect.objectContaining({ field: 'request', message: expect.stringContaining('req.json is not valid JSON') }));
    expect(() => parseApprovalRequest(JSON.stringify({ ...request, planHash: 'nope' }), 'req.json')).toThrow(expect.objectContaining({ field: 'request.planHash' }));
    expect(() => parseApprovalRequest(JSON.stringify({ ...request, format: 'other/1' }), 'req.json')).toThrow(expect.objectContaining({ field: 'request.format' }));
  });
});
