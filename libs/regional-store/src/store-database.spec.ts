import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DeletionCommand } from '@app/contracts';
import type { Receipt } from '@app/regional-client';
import { deletionCommand } from '@app/regional-client/testing/deletion-command.fixture';
import type { DataItem } from './data-item';
import { StoreDatabase } from './store-database';

function item(dataId: string, over: Partial<DataItem> = {}): DataItem {
  return {
    tenantId: 'tenant-a',
    dataId,
    store: 'main',
    subjectId: 'user-1',
    category: 'personal',
    createdAt: '2026-01-01T00:00:00.000Z',
    payload: '{}',
    ...over,
  };
}

/** The subject all of tenant-a's rows but `o1` and `n1` belong to. */
function subjectCommand(over: Partial<DeletionCommand> = {}): DeletionCommand {
  return deletionCommand({
    target: { kind: 'subject', subjectId: 'user-1', categories: ['personal'] },
    ...over,
  });
}

function receiptFor(cmd: DeletionCommand) {
  return (deletedCount: number): Receipt => ({
    commandId: cmd.commandId,
    tenantId: cmd.tenantId,
    region: cmd.region,
    store: cmd.store,
    status: 'completed',
    completedAt: '2026-02-01T00:00:00.000Z',
    deletedCount,
  });
}

describe('StoreDatabase', () => {
  let dir: string;
  let db: StoreDatabase;
  const ids = (tenantId?: string) => db.items(tenantId).map((r) => r.dataId);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-store-'));
    db = new StoreDatabase(path.join(dir, 'store.db'));
    db.insertItems([
      item('p1'),
      item('p2'),
      item('a1', { category: 'audit-log' }),
      item('o1', { subjectId: 'user-2' }),
      item('n1', { subjectId: null }),
      item('x1', { store: 'crm' }),
      item('b1', { tenantId: 'tenant-b' }),
    ]);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores each data item once', () => {
    expect(db.insertItems([item('p1'), item('p9')])).toEqual(['duplicate', 'inserted']);
    expect(db.items('tenant-a')).toHaveLength(7);
  });

  it('subject target: only that subject’s rows in the named categories of the command’s store', () => {
    const cmd = subjectCommand();
    expect(db.purge(cmd, receiptFor(cmd))).toBe(2);
    expect(ids('tenant-a')).toEqual(['a1', 'n1', 'o1', 'x1']);
    expect(ids('tenant-b')).toEqual(['b1']);
  });

  it('tenant target: that tenant’s rows in the named categories only', () => {
    const cmd = deletionCommand({ target: { kind: 'tenant', categories: ['personal'] } });
    expect(db.purge(cmd, receiptFor(cmd))).toBe(4);
    expect(ids()).toEqual(['a1', 'x1', 'b1']);
  });

  it('data target: that data item of that tenant', () => {
    const cmd = deletionCommand({ tenantId: 'tenant-b', target: { kind: 'data', dataId: 'p1' } });
    expect(db.purge(cmd, receiptFor(cmd))).toBe(0);
    const own = deletionCommand({ target: { kind: 'data', dataId: 'p1' } });
    expect(db.purge(own, receiptFor(own))).toBe(1);
    expect(ids('tenant-a')).not.toContain('p1');
  });

  it('records the receipt in the delete’s transaction, and rolls both back together', () => {
    const cmd = subjectCommand();
    db.purge(cmd, receiptFor(cmd));
    expect(db.receipt('cmd-1')).toEqual(receiptFor(cmd)(2));

    const failing = deletionCommand({
      commandId: 'cmd-2',
      target: { kind: 'tenant', categories: ['audit-log'] },
    });
    expect(() =>
      db.purge(failing, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ids('tenant-a')).toContain('a1');
    expect(db.receipt('cmd-2')).toBeUndefined();
  });

  it('does not resurrect an item whose deletion ran before its data-created arrived', () => {
    const cmd = subjectCommand({ issuedAt: '2026-01-10T00:00:00Z' });
    db.purge(cmd, receiptFor(cmd));
    const outcomes = db.insertItems([
      item('late', { createdAt: '2026-01-05T00:00:00.000Z' }),
      item('late-audit', { createdAt: '2026-01-05T00:00:00.000Z', category: 'audit-log' }),
      item('after', { createdAt: '2026-01-11T00:00:00.000Z' }),
    ]);
    expect(outcomes).toEqual(['already-purged', 'inserted', 'inserted']);
  });

  it('keeps no subject identifier in its command log', () => {
    const cmd = subjectCommand();
    db.purge(cmd, receiptFor(cmd));
    const raw = new Database(path.join(dir, 'store.db'), { readonly: true });
    const log = JSON.stringify(raw.prepare('SELECT * FROM executed_commands').all());
    raw.close();
    expect(log).toContain('cmd-1');
    expect(log).not.toContain('user-1');
  });
});
