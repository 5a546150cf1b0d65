/** One row of the reference store, as a `data-created` event described it. */
export interface DataItem {
  tenantId: string;
  dataId: string;
  store: string;
  subjectId: string | null;
  category: string;
  /** The event's occurredAt, normalised to UTC. */
  createdAt: string;
  /** The event's JSON text: the stand-in for the data itself. */
  payload: string;
}
