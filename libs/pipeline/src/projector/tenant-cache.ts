import type { TenantState } from '@app/retention';

/** Least-recently-used tenant states: memory stays bounded while hot tenants stay folded. */
export class TenantCache {
  private readonly states = new Map<string, TenantState>();

  constructor(private readonly capacity: number) {}

  get(tenantId: string): TenantState | undefined {
    const s = this.states.get(tenantId);
    if (s) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.states.delete(tenantId);
      this.states.set(tenantId, s);
    }
    return s;
  }

  set(tenantId: string, state: TenantState): void {
    this.states.delete(tenantId);
    this.states.set(tenantId, state);
    while (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
    }
  }

  clear(): void {
    this.states.clear();
  }

  get size(): number {
    return this.states.size;
  }
}
