import Database from 'better-sqlite3';
import fc from 'fast-check';
import { canonicalJson } from '@app/contracts/canonical-json';
import { canonicalEntry, canonicalSource, canonicalSubject } from '../canonical';
import type { NewChainRecord } from '../chain-record';
import { INSERT_COLUMNS, insertValues } from '../sql-record-row';
import { LINK_COLUMNS, type LinkRow } from './sqlite-canonical';
import { SQLITE_SCHEMA } from './sqlite-schema';

const text = fc.string({ unit: 'binary', maxLength: 24 });
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));

const record: fc.Arbitrary<NewChainRecord> = fc.record({
  tenantId: text,
  streamPosition: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  eventId: text,
  type: text,
  occurredAt: text,
  recordedAt: text,
  dataJson: fc
    .dictionary(text, fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), { maxKeys: 5 })
    .map((data) => canonicalJson(data)),
  subjectDigest: fc.option(hex(64), { nil: null }),
  sourceJson: fc.option(
    fc.record({ topic: text, partition: fc.nat(), offset: text }).map((s) => canonicalSource(s)),
    { nil: null },
  ),
  prevHash: hex(64),
  subjectJson: fc.option(
    fc.tuple(hex(32), text).map(([salt, id]) => canonicalSubject(salt, id)),
    { nil: null },
  ),
  hash: hex(64),
  payloadHash: hex(64),
});

describe('SQLite-built hash input', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(SQLITE_SCHEMA);
  });
  afterEach(() => db.close());

  it('json_quote escapes every character as JSON.stringify does', () => {
    const quote = db.prepare<[string], string>('SELECT json_quote(?)').pluck();
    const mismatches: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates are refused on append
      const s = `a${String.fromCharCode(code)}b`;
      if (quote.get(s) !== JSON.stringify(s)) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
    expect(quote.get('😀\u{10FFFF}')).toBe(JSON.stringify('😀\u{10FFFF}'));
  });

  it('equals prevHash ‖ canonicalEntry(record) on random stored records', () => {
    const insert = db.prepare(
      `INSERT INTO ledger_entries (stream_id, ${INSERT_COLUMNS}) VALUES (1, ${INSERT_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    );
    const read = db
      .prepare<[number], LinkRow>(`SELECT ${LINK_COLUMNS} FROM ledger_entries WHERE global_position = ?`)
      .raw();
    let globalPosition = 0;
    fc.assert(
      fc.property(record, (r) => {
        globalPosition++;
        // eventIds are unique in the table; the random ones may repeat.
        const stored = { ...r, eventId: `${globalPosition}:${r.eventId}` };
        insert.run(...insertValues(globalPosition, stored));
        const row = read.get(globalPosition);
        return row !== undefined && row[6] === stored.prevHash + canonicalEntry(stored);
      }),
      { numRuns: 3000 },
    );
  });
});
