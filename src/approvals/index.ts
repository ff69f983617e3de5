export { generateApproverKeyPair, signApproval, signatureValid, signedBytesOf, type ApproverKeyPair } from './signing.js';
export {
  checkApproval,
  assertApprovalValid,
  type ApprovalPolicy,
  type ApprovalExpectation,
  type ApprovalCheck,
} from './verifier.js';
