import { createHash } from 'node:crypto';
import { StopInvariantFailed } from '../errors/index.js';

/**
 * A plan pinned in the target, known to a run by what its phases need (its hash, sizes and digests), never by its
 * rows: a LIVE run of a million rows holds these few fields, and the rows stay in the target from planning to
 * enactment. {@link PinnedPlanFacts} are computed in one pass over the pinned rows, in address order, when the plan is
 * pinned (from the stage planning classified) and again when a run is restored (from the pin itself, so a pin edited
 * since is found: its plan hash no longer matches the change set the approvals bind).
 */
export interface PinnedPlanFacts {
  /** The run whose pin these are: the pin is keyed by it. */
  readonly runId: string;
  readonly planHash: string;
  /** Every row of the plan, retirements included. */
  readonly rowCount: number;
  /** Rows that write a version (all but retirements): what the cut creates and enactment enacts. */
  readonly writtenCount: number;
  /** Rows that retire an enacted version at enactment. */
  readonly retireCount: number;
  /** True if the rows carry the action planning found (new, changed, retire) against the target. */
  readonly classified: boolean;
  /** contentDigestOf over the written rows: what verification expects the target to hold. */
  readonly writtenDigest: string;
  /** contentDigestOf over every row: what the cut checks the pin against. */
  readonly pinDigest: string;
  /** actionDigestOf over every row. */
  readonly actionDigest: string;
  /** For a revert run's plan: the change set it reverts. */
  readonly reverts?: string;
  /**
   * Whether any pinned address matches, read from the target a page at a time and stopping at the first match: for
   * risk rules that look at addresses.
   */
  readonly anyAddress: (matches: (address: string) => boolean) => Promise<boolean>;
}

/** Digests built a row at a time, rows given in address (code-unit) order: the same bytes contentDigestOf hashes. */
export interface PinnedRowKey {
  readonly address: string;
  readonly contentHash: string;
  readonly action: string | null;
}

/**
 * The digests of {@link PinnedPlanFacts}, built a row at a time from rows given in address (code-unit) order, without
 * holding them: the same bytes contentDigestOf and actionDigestOf hash from a plan held whole, so the same digests.
 */
export class PinnedDigests {
  readonly #pin = createHash('sha256');
  readonly #written = createHash('sha256');
  readonly #actions = createHash('sha256');
  #rows = 0;
  #writtenRows = 0;
  #classifiedRows = 0;
  #last: string | undefined;

  add(row: PinnedRowKey): void {
    // Addresses are ASCII (ADDRESS_PATTERN), so the database's byte order ("C") is the code-unit order hashed here;
    // a row out of that order or given twice would make a digest no plan held whole could have.
    if (this.#last !== undefined && !(this.#last < row.address)) throw new StopInvariantFailed('planning', { address: row.address, reason: 'pinned rows came back out of address order, or an address twice' });
    this.#last = row.address;
    const key = `${row.address}\t${row.contentHash}\n`;
    this.#pin.update(key, 'utf8');
    if (row.action !== 'retire') {
      this.#written.update(key, 'utf8');
      this.#writtenRows += 1;
    }
    if (row.action !== null) this.#classifiedRows += 1;
    this.#actions.update(`${row.address}\t${row.action ?? ''}\n`, 'utf8');
    this.#rows += 1;
  }

  /** The counts and digests of the rows added. */
  /** How many rows carry an action: all of a classified plan's, none of another's. */
  get classifiedRows(): number {
    return this.#classifiedRows;
  }

  digest(): Pick<PinnedPlanFacts, 'rowCount' | 'writtenCount' | 'retireCount' | 'classified' | 'writtenDigest' | 'pinDigest' | 'actionDigest'> {
    return {
      rowCount: this.#rows,
      writtenCount: this.#writtenRows,
      retireCount: this.#rows - this.#writtenRows,
      classified: this.#classifiedRows > 0,
      writtenDigest: this.#written.digest('hex'),
      pinDigest: this.#pin.digest('hex'),
      actionDigest: this.#actions.digest('hex'),
    };
  }
}
