import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  DeletionCommand,
  DeletionReceiptDto,
  describeProblems,
  normaliseRfc3339,
  validateDto,
} from '@app/contracts';
import { Receipt, receiptValue } from '@app/regional-client';
import type { DataItem } from './data-item';
import { STORE_SCHEMA } from './store-schema';

export type InsertOutcome = 'inserted' | 'duplicate' | 'already-purged';

type ItemRow = [string, string, string, string | null, string, string, string];
type ScopeParams = [string, string, string, string, string | null, string | null, string];

function subjectHash(subjectId: string): string {
  return createHash('sha256').update(subjectId, 'utf8').digest('hex');
}

function toItem([tenantId, dataId, store, subjectId, category, createdAt, payload]: ItemRow): DataItem {
  return { tenantId, dataId, store, subjectId, category, createdAt, payload };
}

/**
 * The reference store's SQLite file: its data rows and its dedupe records, so that a
 * delete and the record of its completion commit in one transaction. WAL with
 * synchronous FULL: a receipt says the data is gone, so the delete must be on disk
 * before the receipt is published.
 */
export class StoreDatabase {
  private readonly db: Database.Database;
  private readonly stmt: {
    insertItem: Database.Statement<ItemRow>;
    purgedBefore: Database.Statement<ScopeParams, number>;
    deleteData: Database.Statement<[string, string, string]>;
    deleteSubject: Database.Statement<[string, string, string, string]>;
    deleteTenant: Database.Statement<[string, string, string]>;
    remember: Database.Statement<Array<string | null>>;
    receipt: Database.Statement<[string], string>;
    allItems: Database.Statement<[], ItemRow>;
    tenantItems: Database.Statement<[string], ItemRow>;
  };
  private readonly insertTx: Database.Transaction<(items: DataItem[]) => InsertOutcome[]>;
  private readonly purgeTx: Database.Transaction<
    (command: DeletionCommand, receiptFor: (deletedCount: number) => Receipt) => number
  >;

  constructor(path: string) {
    this.db = new Database(path, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(STORE_SCHEMA);
    const db = this.db;
    const itemColumns = 'tenant_id, data_id, store, subject_id, category, created_at, payload';
    const inCategories = 'category IN (SELECT value FROM json_each(?))';
    this.stmt = {
      insertItem: db.prepare(
        `INSERT INTO data_items (${itemColumns}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, data_id) DO NOTHING`,
      ),
      // A completed command issued at or after the item's creation already covers it.
      purgedBefore: db
        .prepare<ScopeParams, number>(
          `SELECT 1 FROM executed_commands
           WHERE tenant_id = ? AND store = ? AND issued_at >= ? AND (
             (kind = 'data' AND data_id = ?)
             OR (kind = 'subject' AND subject_hash = ? AND EXISTS (SELECT 1 FROM json_each(categories) WHERE value = ?))
             OR (kind = 'tenant' AND EXISTS (SELECT 1 FROM json_each(categories) WHERE value = ?)))
           LIMIT 1`,
        )
        .pluck(),
      deleteData: db.prepare('DELETE FROM data_items WHERE tenant_id = ? AND store = ? AND data_id = ?'),
      deleteSubject: db.prepare(
        `DELETE FROM data_items WHERE tenant_id = ? AND store = ? AND subject_id = ? AND ${inCategories}`,
      ),
      deleteTenant: db.prepare(
        `DELETE FROM data_items WHERE tenant_id = ? AND store = ? AND ${inCategories}`,
      ),
      remember: db.prepare<Array<string | null>>(
        `INSERT INTO executed_commands
           (command_id, receipt, tenant_id, store, kind, data_id, subject_hash, categories, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING`,
      ),
      receipt: db
        .prepare<[string], string>('SELECT receipt FROM executed_commands WHERE command_id = ?')
        .pluck(),
      allItems: db
        .prepare<[], ItemRow>(`SELECT ${itemColumns} FROM data_items ORDER BY tenant_id, data_id`)
        .raw(),
      tenantItems: db
        .prepare<[string], ItemRow>(
          `SELECT ${itemColumns} FROM data_items WHERE tenant_id = ? ORDER BY data_id`,
        )
        .raw(),
    };
    this.insertTx = db.transaction((items: DataItem[]) => items.map((item) => this.insertOne(item)));
    this.purgeTx = db.transaction(
      (command: DeletionCommand, receiptFor: (deletedCount: number) => Receipt) => {
        const deletedCount = this.deleteTargeted(command);
        const receipt = receiptFor(deletedCount);
        this.rememberCommand(receipt, command);
        return deletedCount;
      },
    );
  }

  /** Idempotent by (tenant, dataId); one transaction for the whole batch. */
  insertItems(items: DataItem[]): InsertOutcome[] {
    return items.length === 0 ? [] : this.insertTx(items);
  }

  /**
   * Deletes what the command targets, only in the command's store and only in the
   * categories it names, and records the completed receipt from `receiptFor` in the
   * same transaction. If anything throws, nothing is deleted and nothing recorded.
   */
  purge(command: DeletionCommand, receiptFor: (deletedCount: number) => Receipt): number {
    return this.purgeTx(command, receiptFor);
  }

  receipt(commandId: string): Receipt | undefined {
    const text = this.stmt.receipt.get(commandId);
    if (text === undefined) return undefined;
    const v = validateDto(DeletionReceiptDto, JSON.parse(text) as Record<string, unknown>);
    if (!v.ok)
      throw new Error(`stored receipt of command ${commandId} is corrupt: ${describeProblems(v.problems)}`);
    return receiptFromDto(v.value);
  }

  /** A completed receipt recorded without its command's scope (a no-op if already recorded). */
  rememberReceipt(receipt: Receipt): void {
    if (receipt.status !== 'completed') return;
    this.stmt.remember.run(
      receipt.commandId,
      receiptValue(receipt),
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    );
  }

  items(tenantId?: string): DataItem[] {
    const rows = tenantId === undefined ? this.stmt.allItems.all() : this.stmt.tenantItems.all(tenantId);
    return rows.map(toItem);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private insertOne(item: DataItem): InsertOutcome {
    const scope: ScopeParams = [
      item.tenantId,
      item.store,
      item.createdAt,
      item.dataId,
      item.subjectId === null ? null : subjectHash(item.subjectId),
      item.category,
      item.category,
    ];
    if (this.stmt.purgedBefore.get(...scope) !== undefined) return 'already-purged';
    const { tenantId, dataId, store, subjectId, category, createdAt, payload } = item;
    const changes = this.stmt.insertItem.run(
      tenantId,
      dataId,
      store,
      subjectId,
      category,
      createdAt,
      payload,
    ).changes;
    return changes === 1 ? 'inserted' : 'duplicate';
  }

  private deleteTargeted(command: DeletionCommand): number {
    const { tenantId, store, target } = command;
    switch (target.kind) {
      case 'data':
        return this.stmt.deleteData.run(tenantId, store, target.dataId).changes;
      case 'subject':
        return this.stmt.deleteSubject.run(
          tenantId,
          store,
          target.subjectId,
          JSON.stringify(target.categories),
        ).changes;
      case 'tenant':
        return this.stmt.deleteTenant.run(tenantId, store, JSON.stringify(target.categories)).changes;
    }
  }

  private rememberCommand(receipt: Receipt, command: DeletionCommand): void {
    if (receipt.status !== 'completed') return;
    const { target } = command;
    this.stmt.remember.run(
      receipt.commandId,
      receiptValue(receipt),
      command.tenantId,
      command.store,
      target.kind,
      target.kind === 'data' ? target.dataId : null,
      target.kind === 'subject' ? subjectHash(target.subjectId) : null,
      target.kind === 'data' ? null : JSON.stringify(target.categories),
      normaliseRfc3339(command.issuedAt),
    );
  }
}

function receiptFromDto(d: DeletionReceiptDto): Receipt {
  const r: Receipt = {
    commandId: d.commandId,
    tenantId: d.tenantId,
    region: d.region,
    store: d.store,
    status: d.status,
    completedAt: d.completedAt,
  };
  if (d.deletedCount !== undefined) r.deletedCount = d.deletedCount;
  if (d.error !== undefined) r.error = d.error;
  return r;
}
