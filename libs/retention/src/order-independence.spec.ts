import type { NewEntry } from '@app/contracts/entry-types';
import fc from 'fast-check';
import { evolve } from './evolve';
import type { Obligation } from './obligation';
import { drainChanges, obligations } from './obligations';
import { DEFAULT_POLICY, type Policy } from './policy/policy';
import { initialState, type TenantState } from './state';
import { EntryBuilder, obligationIds } from './testing';

/**
 * Properties of the fold over random sets of ledger entries:
 * - every arrival order yields the same obligations;
 * - applying an entry twice changes nothing;
 * - the incremental path (drainChanges after arbitrary batches) ends at the same obligations.
 */

const e = new EntryBuilder('t1');
const ids = obligationIds('t1');

const STRICT: Policy = {
  ...DEFAULT_POLICY,
  version: 'strict-1',
  rules: {
    ...DEFAULT_POLICY.rules,
    personal: {
      onDataDeletion: { action: 'purge', after: 'PT1H', deadline: 'P7D' },
      onSubjectDeletion: { action: 'purge', after: 'PT0S', deadline: 'P1M' },
      onSubscriptionEnd: { action: 'purge', expired: 'P1D', disabled: 'P2D', deadline: 'P10D' },
      maxAge: { age: 'P1Y', grace: 'P1D' },
    },
  },
};

const DATA = ['d0', 'd1', 'd2', 'd3', 'd4'];
const SUBJECTS = ['u0', 'u1', 'u2'];
const STORES: Array<[string, string]> = [
  ['eu', 'main'],
  ['eu', 'files'],
  ['us', 'main'],
];

/** Times in days: coarse, so that ties (and their tie-breaks) are common. */
const at = fc.oneof(
  fc.integer({ min: 0, max: 150 }),
  fc.integer({ min: 0, max: 150 * 4 }).map((q) => q / 4),
);

type Fact = NewEntry;

/** Lifecycle facts, each with a unique eventId (the ledger's idempotency key). */
const lifecycleFact = (n: number): fc.Arbitrary<Fact> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .record({
          dataId: fc.constantFrom(...DATA),
          subjectId: fc.option(fc.constantFrom(...SUBJECTS), { nil: undefined }),
          category: fc.constantFrom('personal', 'personal', 'audit-log'),
          store: fc.constantFrom(...STORES),
          at,
        })
        .map((f) =>
          e.dataCreated({
            eventId: `c${n}`,
            dataId: f.dataId,
            subjectId: f.subjectId,
            category: f.category,
            region: f.store[0],
            store: f.store[1],
            at: f.at,
          }),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          dataId: fc.constantFrom(...DATA),
          by: fc.constantFrom('user' as const, 'admin' as const),
          at,
        })
        .map((f) => e.dataDeleted({ eventId: `x${n}`, dataId: f.dataId, deletedBy: f.by, at: f.at })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ subjectId: fc.constantFrom(...SUBJECTS), at })
        .map((f) => e.userDeleted({ eventId: `ud${n}`, subjectId: f.subjectId, at: f.at })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ t: at, expedite: fc.boolean().map((b) => b && n % 4 === 0) })
        .map(({ t, expedite }) => e.subscriptionEnded({ eventId: `end${n}`, at: t, expedite })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ dataId: fc.constantFrom(...DATA), at })
        .map((f) => e.dataRestored({ eventId: `dr${n}`, dataId: f.dataId, at: f.at })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ subjectId: fc.constantFrom(...SUBJECTS), at })
        .map((f) => e.userRestored({ eventId: `ur${n}`, subjectId: f.subjectId, at: f.at })),
    },
    { weight: 1, arbitrary: at.map((t) => e.subscriptionReactivated({ eventId: `re${n}`, at: t })) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          holdId: fc.constantFrom('h0', 'h1'),
          subjectId: fc.option(fc.constantFrom(...SUBJECTS), { nil: undefined }),
          dataId: fc.option(fc.constantFrom(...DATA), { nil: undefined, freq: 4 }),
          category: fc.option(fc.constantFrom('personal', 'audit-log'), { nil: undefined, freq: 4 }),
          at,
        })
        .map((f) =>
          e.holdPlaced({
            eventId: `hp${n}`,
            holdId: f.holdId,
            subjectId: f.subjectId,
            dataId: f.dataId,
            category: f.category,
            at: f.at,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ holdId: fc.constantFrom('h0', 'h1'), at })
        .map((f) => e.holdReleased({ eventId: `hr${n}`, holdId: f.holdId, at: f.at })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ strict: fc.boolean(), at })
        .map((f) =>
          e.policyActivated({ eventId: `p${n}`, policy: f.strict ? STRICT : DEFAULT_POLICY, at: f.at }),
        ),
    },
  );

/** Obligation ids these facts can give rise to, so generated commands hit real obligations. */
function candidateIds(facts: readonly Fact[]): string[] {
  const out = DATA.flatMap((d) => [ids.dataDeleted(d), ids.maxAge(d), ids.createdAfterDeletion(d)]);
  for (const f of facts) {
    if (f.type === 'UserDeleted') for (const [r, s] of STORES) out.push(ids.userDeleted(f.eventId, r, s));
    if (f.type === 'SubscriptionEnded')
      for (const [r, s] of STORES) out.push(ids.subscriptionEnded(f.eventId, r, s));
  }
  return out;
}

/** Dispatcher and receipt facts referring to the lifecycle facts' obligations. */
const dispatchFacts = (facts: readonly Fact[]): fc.Arbitrary<Fact[]> => {
  const candidates = candidateIds(facts);
  const command = (n: number) =>
    fc
      .record({
        obligationId: fc.constantFrom(...candidates),
        store: fc.constantFrom(...STORES),
        attempt: fc.integer({ min: 1, max: 3 }),
        at,
      })
      .map((f) =>
        e.commandIssued({
          eventId: `ci${n}`,
          commandId: `cmd${n}`,
          obligationId: f.obligationId,
          region: f.store[0],
          store: f.store[1],
          attempt: f.attempt,
          at: f.at,
        }),
      );
  return fc.array(fc.nat({ max: 1000 }), { maxLength: 6 }).chain((seeds) =>
    fc
      .tuple(...seeds.map((_, n) => command(n)))
      .chain((commands) => {
        const receipt = (n: number) =>
          fc
            .record({
              command: fc.constantFrom(...(commands.length ? commands : [undefined])),
              ok: fc.boolean(),
              wrongRegion: fc.boolean().map((b) => b && n % 3 === 0),
              at,
            })
            .map(({ command: c, ok, wrongRegion, at: t }) => {
              const data =
                c?.type === 'DeletionCommandIssued'
                  ? c.data
                  : { commandId: 'unknown', region: 'eu', store: 'main' };
              const common = {
                eventId: `r${n}`,
                commandId: data.commandId,
                region: wrongRegion ? 'zz' : data.region,
                store: data.store,
                at: t,
              };
              return ok ? e.confirmed(common) : e.failed({ ...common, error: 'boom' });
            });
        // Operator facts (system entries with `op:` ids) on the same obligations.
        const operation = (n: number) =>
          fc
            .record({
              obligationId: fc.constantFrom(...candidates),
              kind: fc.constantFrom('retry' as const, 'resolve' as const, 'extend' as const),
              waived: fc.boolean(),
              until: at,
              at,
            })
            .map((f) => {
              const common = { eventId: `op:${n}`, obligationId: f.obligationId, at: f.at };
              if (f.kind === 'retry') return e.retried(common);
              if (f.kind === 'resolve')
                return e.resolved({ ...common, resolution: f.waived ? 'waived' : 'done-manually' });
              return e.extended({ ...common, until: f.until + 30 });
            });
        return fc.tuple(
          fc.constant(commands as Fact[]),
          fc.array(fc.nat(), { maxLength: 6 }).chain((rs) => fc.tuple(...rs.map((_, n) => receipt(n)))),
          fc.array(fc.nat(), { maxLength: 3 }).chain((os) => fc.tuple(...os.map((_, n) => operation(n)))),
        );
      })
      .map(([commands, receipts, operations]) => [...commands, ...receipts, ...operations]),
  );
};

const ledger: fc.Arbitrary<Fact[]> = fc
  .array(fc.nat(), { minLength: 1, maxLength: 30 })
  .chain((seeds) => fc.tuple(...seeds.map((_, n) => lifecycleFact(n))))
  .chain((facts) => dispatchFacts(facts).map((dispatch) => [...facts, ...dispatch]));

function fold(entries: readonly Fact[]): TenantState {
  let state = initialState('t1');
  for (const entry of entries) state = evolve(state, entry);
  return state;
}

/** Arbitrary permutation of a list, driven by random sort keys. */
function permute<T>(list: readonly T[], keys: readonly number[]): T[] {
  return list
    .map((item, i) => ({ item, key: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.key - b.key || b.i - a.i)
    .map((x) => x.item);
}

const runs = { numRuns: Number(process.env.RETENTION_PROPERTY_RUNS ?? 300) };

describe('property: order independence and idempotence of the fold', () => {
  it('every arrival order yields the same obligations', () => {
    fc.assert(
      fc.property(
        ledger,
        fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 60 }),
        (entries, keys) => {
          const expected = obligations(fold(entries));
          expect(obligations(fold(permute(entries, keys)))).toEqual(expected);
          expect(obligations(fold([...entries].reverse()))).toEqual(expected);
        },
      ),
      runs,
    );
  });

  it('applying an entry twice changes nothing', () => {
    fc.assert(
      fc.property(ledger, fc.nat(), fc.nat(), (entries, which, where) => {
        const expected = obligations(fold(entries));
        // Again at the end...
        const state = fold(entries);
        evolve(state, entries[which % entries.length]);
        expect(obligations(state)).toEqual(expected);
        // ...and redelivered anywhere in the stream.
        const redelivered = [...entries];
        redelivered.splice(where % (entries.length + 1), 0, entries[which % entries.length]);
        expect(obligations(fold(redelivered))).toEqual(expected);
        // Everything twice.
        expect(obligations(fold([...entries, ...entries]))).toEqual(expected);
      }),
      runs,
    );
  });

  it('the incremental path (drainChanges after any batches) ends at obligations(state)', () => {
    fc.assert(
      fc.property(ledger, fc.array(fc.boolean(), { maxLength: 80 }), (entries, cuts) => {
        const state = initialState('t1');
        const table = new Map<string, Obligation>();
        const drain = () => {
          const changes = drainChanges(state);
          for (const id of changes.removed) table.delete(id);
          for (const o of changes.upserted) table.set(o.obligationId, o);
        };
        entries.forEach((entry, i) => {
          evolve(state, entry);
          if (cuts[i]) drain();
        });
        drain();
        const byId = (a: Obligation, b: Obligation) => (a.obligationId < b.obligationId ? -1 : 1);
        expect([...table.values()].sort(byId)).toEqual(obligations(state).sort(byId));
      }),
      runs,
    );
  });

  it('sealing the subject parts (ids replaced by pseudonyms) derives the same obligations, by pseudonym', () => {
    const pseudonymOf = (subjectId: string) => `sp_${subjectId}`;
    const seal = (f: Fact): Fact =>
      f.subject === null || !('subjectId' in f.subject)
        ? f
        : { ...f, subject: { pseudonym: pseudonymOf(f.subject.subjectId), ciphertext: `sk1.${f.eventId}` } };
    fc.assert(
      fc.property(ledger, (entries) => {
        const named = obligations(fold(entries)).map((o) =>
          o.target.kind === 'subject'
            ? { ...o, target: { ...o.target, subjectId: pseudonymOf(o.target.subjectId) } }
            : o,
        );
        // Same ids, due dates, statuses and holds: only the subject's name differs.
        expect(obligations(fold(entries.map(seal)))).toEqual(named);
      }),
      runs,
    );
  });

  it('shredding any set of subjects, at any point of the stream, never changes the derived schedule', () => {
    fc.assert(
      fc.property(
        ledger,
        fc.subarray(SUBJECTS),
        fc.array(fc.nat(), { maxLength: SUBJECTS.length }),
        (entries, shredded, where) => {
          const expected = obligations(fold(entries));
          const withShreds = [...entries];
          shredded.forEach((subject, i) =>
            withShreds.splice(
              (where[i] ?? 0) % (withShreds.length + 1),
              0,
              e.subjectShredded({ eventId: `op:shred:${subject}`, pseudonym: subject, at: 10 }),
            ),
          );
          expect(obligations(fold(withShreds))).toEqual(expected);
        },
      ),
      runs,
    );
  });

  it('the generator reaches the interesting cases', () => {
    // A check on the generator itself: the statuses, flags and removals the properties above range over.
    const seen = new Set<string>();
    fc.assert(
      fc.property(ledger, fc.array(fc.boolean(), { maxLength: 80 }), (entries, cuts) => {
        for (const o of obligations(fold(entries))) {
          seen.add(o.status);
          if (o.cancelledBy === 'restore') seen.add('cancelled-by-restore');
          o.flags.forEach((f) => seen.add(f));
        }
        const state = initialState('t1');
        entries.forEach((entry, i) => {
          evolve(state, entry);
          if (cuts[i] && drainChanges(state).removed.length > 0) seen.add('removal');
        });
      }),
      { numRuns: 500, seed: 42 },
    );
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'cancelled',
        'confirmed',
        'deadline-extended',
        'expedited',
        'resolved',
        'cancelled-by-restore',
        'hold-overridden',
        'created-after-subject-deletion',
        'deleted-before-created',
        'failed',
        'held',
        'hold-placed-after-issue',
        'issued',
        'issued-during-hold',
        'reactivation-too-late',
        'receipt-region-mismatch',
        'removal',
        'scheduled',
        'superseded',
      ]),
    );
  });
});
