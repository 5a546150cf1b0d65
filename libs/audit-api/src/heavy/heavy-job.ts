/** What a heavy-job worker is asked: work over the whole ledger or a whole (large) tenant. */
export type HeavyJob =
  | { kind: 'verify'; ledgerUrl: string; tenantId?: string }
  | {
      kind: 'audit';
      ledgerUrl: string;
      tenantId: string;
      /** ISO instants: a Date does not cross to the worker as one. */
      asOf?: string;
      now: string;
      maxAttempts: number;
      html: boolean;
    };

/** The worker's one message: the result, or the error with what the route needs to map it. */
export type HeavyJobAnswer =
  /** The body as sent: JSON, or the HTML page. */
  { ok: true; result: string } | { ok: false; message: string; unknownTenant: boolean; stack?: string };
