import type { TargetConfig } from './open-target.js';

/** Whether the phase roles' grants bind the process that runs them, or only Cutter's own code. */
export interface PrivilegeBoundary {
  readonly setup: 'embedded' | 'set-role' | 'login-per-role';
  /** True only when each phase role logs in as itself: then the grants bind the process, not just Cutter's code. */
  readonly boundary: boolean;
  readonly note: string;
}

/** Says plainly what a target configuration's roles are worth as a privilege boundary (issue 15: least privilege for real). */
export function privilegeBoundaryOf(target: TargetConfig): PrivilegeBoundary {
  if (target.kind === 'embedded') {
    return { setup: 'embedded', boundary: false, note: "the embedded database has one user; each phase SET ROLEs to cutter_exec or cutter_verify from it, so the grants keep Cutter's own code in line but are no privilege boundary against the process" };
  }
  if (target.dsnByRole === undefined) {
    return { setup: 'set-role', boundary: false, note: "one DSN: each phase SET ROLEs from that login, so the grants bind Cutter's code, not the process; this is no privilege boundary. For one, give each role its own login: CUTTER_EXEC_DATABASE_URL and CUTTER_VERIFY_DATABASE_URL (docs/operations.md, Roles)" };
  }
  return { setup: 'login-per-role', boundary: true, note: 'a login per role: the cut, Leg B and enactment run as the exec login, verification as the verify login, and the grants bind each of them; the administrator DSN is used for init and the run store' };
}
