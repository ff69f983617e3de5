import { privateKeyProblem } from '../approvals/key-problems.js';
import { FileLimits } from '../domain/limits.js';
import { InvalidInput } from '../errors/index.js';
import { readInputText } from '../files/read-input-file.js';

/**
 * The private key in the file `--key` names, read and parsed whole before the command touches a run or a database:
 * a wrong file (missing, a folder, empty, a public key, a certificate, an encrypted key, garbage, another algorithm)
 * is refused naming the file and what it holds, and nothing is restored, journalled or written.
 */
export async function readApproverKeyFile(path: string, field = 'key'): Promise<string> {
  const pem = await readInputText(path, { field, maxBytes: FileLimits.maxKeyFileBytes, limitName: 'FileLimits.maxKeyFileBytes' });
  const problem = privateKeyProblem(pem);
  if (problem !== null) throw new InvalidInput(field, `${path} ${problem}`);
  return pem;
}
