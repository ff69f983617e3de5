/** How a run executes: the DRYRUN simulator answers, or the LIVE adapter writes. Chosen once, at creation. */
export const Mode = { DryRun: 'DRYRUN', Live: 'LIVE' } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];
