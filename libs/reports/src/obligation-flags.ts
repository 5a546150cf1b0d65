import { isOverdue, retriesExhausted, timeToDeadlineMs, type Obligation } from '@app/retention';

/** What `GET …/obligations` and `obligations --json` add to each obligation. */
export interface ObligationFlags {
  overdue: boolean;
  retriesExhausted: boolean;
  /** Milliseconds to the deadline (negative: overdue), while still owed. */
  timeToDeadlineMs?: number;
}

/** The flags of one obligation at `now`, under the configured attempt limit. */
export function obligationFlags(
  o: Pick<Obligation, 'status' | 'deadline' | 'commands' | 'retriedAt'>,
  now: Date,
  maxAttempts: number,
): ObligationFlags {
  const left = timeToDeadlineMs(o, now);
  return {
    overdue: isOverdue(o, now),
    retriesExhausted: retriesExhausted(o, maxAttempts),
    ...(left === undefined ? {} : { timeToDeadlineMs: left }),
  };
}
