import fc from 'fast-check';
import { DeletionCommandDto } from '../commands/deletion-command.dto';
import { DataCreatedDto } from '../events/data-created.dto';
import { LegalHoldDto } from '../events/legal-hold.dto';
import { DeletionReceiptDto } from '../receipts/deletion-receipt.dto';
import { problemsOf } from '../testing/dto-expectations';
import { Field } from './field.decorator';
import { idRule } from './field-rules';
import { describeProblems, DtoClass, validateDto } from './validate-dto';

/** Values near and across every rule's edges, plus arbitrary junk. */
const fieldValue = fc.oneof(
  fc.constantFrom(
    'ev-1',
    'acme',
    'eu',
    'us',
    'personal',
    'user',
    'admin',
    'placed',
    'released',
    'completed',
    'failed',
    'data-deleted',
    'max-age',
    '2024-05-01T12:00:00Z',
    '2024-05-01T12:00:00',
    '2024-02-30T00:00:00Z',
    '',
    ' ',
    'a b',
    'x'.repeat(65),
    'x'.repeat(129),
    'x'.repeat(257),
    'a\nb',
    '\ud800',
    0,
    -1,
    1.5,
    7,
    true,
    null,
    { kind: 'data', dataId: 'd' },
    { kind: 'tenant', categories: ['personal'] },
    { kind: 'tenant', categories: [] },
    [],
  ),
  fc.string(),
  fc.integer(),
  fc.anything(),
);

function recordOf(fields: string[]) {
  return fc.record(Object.fromEntries(fields.map((f) => [f, fieldValue])), { requiredKeys: [] });
}

const dtos: [string, DtoClass<object>, string[]][] = [
  [
    'DataCreatedDto',
    DataCreatedDto,
    ['eventId', 'tenantId', 'occurredAt', 'dataId', 'category', 'region', 'store', 'subjectId'],
  ],
  ['LegalHoldDto', LegalHoldDto, ['eventId', 'tenantId', 'occurredAt', 'holdId', 'action', 'subjectId']],
  [
    'DeletionReceiptDto',
    DeletionReceiptDto,
    ['commandId', 'tenantId', 'region', 'store', 'status', 'completedAt', 'deletedCount', 'error'],
  ],
  [
    'DeletionCommandDto',
    DeletionCommandDto,
    [
      'commandId',
      'obligationId',
      'tenantId',
      'region',
      'store',
      'target',
      'reason',
      'dueAt',
      'deadline',
      'issuedAt',
      'policyVersion',
    ],
  ],
];

describe('validateDto', () => {
  it.each(dtos)('fast path and class-validator agree on every input (%s)', (_name, cls, fields) => {
    // problemsOf asserts that plain class-validator reports exactly what validateDto reports.
    fc.assert(
      fc.property(recordOf(fields), (plain) => void problemsOf(cls, plain)),
      { numRuns: 2000 },
    );
  });

  it('reports problems in declaration order, envelope first', () => {
    const result = validateDto(DataCreatedDto, { store: '', subjectId: 5, eventId: 'ok' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      'tenantId',
      'occurredAt',
      'dataId',
      'category',
      'region',
      'store',
      'subjectId',
    ]);
  });

  it('copies only declared fields into the instance', () => {
    const result = validateDto(LegalHoldDto, {
      eventId: 'e',
      tenantId: 't',
      occurredAt: '2024-05-01T12:00:00Z',
      holdId: 'h',
      action: 'placed',
      extra: 1,
    });
    expect(result.ok && Object.keys(result.value).includes('extra')).toBe(false);
  });

  it('is not fooled by a __proto__ key from JSON.parse', () => {
    const plain = JSON.parse('{"__proto__": {"eventId": "x"}, "tenantId": "t"}') as Record<string, unknown>;
    const result = validateDto(LegalHoldDto, plain);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['eventId', 'occurredAt', 'holdId', 'action']);
  });

  it('refuses a DTO that redeclares an inherited field', () => {
    class Base {
      @Field(idRule) id!: string;
    }
    class Child extends Base {
      @Field(idRule) declare id: string;
    }
    expect(() => validateDto(Child, {})).toThrow('DTO field id is declared twice');
  });

  it('describes problems as "invalid field <name>: <problem>"', () => {
    expect(
      describeProblems([
        { field: 'eventId', problem: 'is required' },
        { field: 'tenantId', problem: 'must match [A-Za-z0-9._-]{1,64}' },
      ]),
    ).toBe('invalid field eventId: is required; invalid field tenantId: must match [A-Za-z0-9._-]{1,64}');
  });
});

describe('validateDto on adversarial depth', () => {
  it('rejects a 10 000-deep object in a field with the usual message, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    // (problemsOf would also run class-transformer on the raw value, which is what overflows.)
    const result = validateDto(DataCreatedDto, { eventId: deep });
    expect(result.ok ? [] : result.problems).toContainEqual({
      field: 'eventId',
      problem: 'must be a string',
    });
  });
});
