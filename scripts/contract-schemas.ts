import 'reflect-metadata';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import {
  DataCreatedDto,
  DataDeletedDto,
  DataRestoredDto,
  DELETED_BY,
  DELETION_REASONS,
  DeletionCommandDto,
  DeletionReceiptDto,
  DtoClass,
  EVENT_ID_MAX,
  ERROR_TEXT_MAX,
  HOLD_ACTIONS,
  ID_MAX,
  LegalHoldDto,
  NAME_MAX,
  RECEIPT_STATUSES,
  SubscriptionEndedDto,
  SubscriptionReactivatedDto,
  UserDeletedDto,
  UserRestoredDto,
} from '@app/contracts';
import { MAX_TARGET_CATEGORIES } from '@app/contracts/commands/deletion-target.rule';
import { fieldsOf } from '@app/contracts/validation/field.decorator';

/**
 * JSON Schemas of the public contract, generated from the class-validator DTOs in
 * libs/contracts. Each contract field carries one named rule (`@Field(rule)`); the table
 * below says what each rule name means in JSON Schema. A DTO using a rule the table does
 * not know fails the generation, so the schemas cannot silently fall behind the DTOs.
 * `npm run contracts:schemas` writes them to libs/contracts/schemas/; a test checks that
 * the committed files are what this generates.
 */
type JsonSchema = Record<string, unknown>;

/** No C0/C1 control characters (and no lone surrogates, which JSON Schema cannot express). */
const PRINTABLE = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';
const SAFE_NAME = '^[A-Za-z0-9._-]{1,64}$';
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

const printable = (max: number): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: PRINTABLE,
});
const category: JsonSchema = printable(NAME_MAX);
const categories: JsonSchema = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_TARGET_CATEGORIES,
  items: category,
};

/** Rule name (the class-validator constraint name) → JSON Schema. */
const RULES: Record<string, JsonSchema> = {
  eventId: printable(EVENT_ID_MAX),
  id: printable(ID_MAX),
  name: printable(NAME_MAX),
  tenantId: { type: 'string', pattern: SAFE_NAME },
  region: { type: 'string', pattern: SAFE_NAME },
  rfc3339: { type: 'string', format: 'date-time', pattern: RFC3339 },
  deletedBy: { type: 'string', enum: [...DELETED_BY] },
  action: { type: 'string', enum: [...HOLD_ACTIONS] },
  status: { type: 'string', enum: [...RECEIPT_STATUSES] },
  reason: { type: 'string', enum: [...DELETION_REASONS] },
  count: { type: 'integer', minimum: 0 },
  flag: { type: 'boolean' },
  errorText: { type: 'string', maxLength: ERROR_TEXT_MAX },
  deletionTarget: {
    type: 'object',
    description: 'what to purge; a store purges only the categories named',
    oneOf: [
      {
        properties: { kind: { const: 'data' }, dataId: printable(ID_MAX) },
        required: ['kind', 'dataId'],
      },
      {
        properties: { kind: { const: 'subject' }, subjectId: printable(ID_MAX), categories },
        required: ['kind', 'subjectId', 'categories'],
      },
      {
        properties: { kind: { const: 'tenant' }, categories },
        required: ['kind', 'categories'],
      },
    ],
  },
};

/** Words for the fields, from DESIGN.md "Public contract v1". */
const DESCRIPTIONS: Record<string, string> = {
  eventId: "the producer's id of the event; the ledger's idempotency key (same id, same payload: a no-op)",
  tenantId: 'the tenant; must equal the Kafka record key',
  occurredAt: 'when it happened (RFC 3339 with an explicit offset); event time, not arrival time',
  dataId: 'the data item',
  category: 'a category of the retention policy (e.g. personal, audit-log)',
  region: 'a configured region; data and commands never leave it',
  store: 'the store in that region',
  subjectId: 'the user the data belongs to. Personal data: kept in a separate part of the ledger entry',
  deletedBy: 'who asked for the deletion',
  holdId: 'the legal hold',
  action: 'placed or released',
  commandId: 'the deletion command; a store treats a repeated command as success',
  obligationId: 'the obligation the command discharges',
  status: 'the outcome in the regional store',
  completedAt: 'when the store finished (RFC 3339)',
  deletedCount: 'rows or objects deleted',
  error: 'why the deletion failed',
  target: 'what to purge',
  reason: 'why it must be purged',
  dueAt: 'when the command was allowed to be issued',
  deadline: 'the promise: a confirmation after it is a breach',
  issuedAt: 'when the command was issued',
  policyVersion: 'the version of the retention policy the obligation was computed under',
  expedite:
    'true: an expedited tenant deletion, purged after a short delay (policy `expedited`, default PT1H), overriding legal holds (flagged in the report)',
  caseRef: 'the matter or case reference of the hold, shown in reports',
  placedBy: 'who placed (or released) the hold, shown in reports',
};

/** Where a field means something else in one message than the table above says. */
const FIELD_DESCRIPTIONS: Record<string, Record<string, string>> = {
  'legal-hold.json': {
    subjectId:
      'the user the hold covers (absent: the whole tenant). Personal data: kept in a separate part of the ledger entry',
    dataId: 'narrows the hold to one data item (every filter given must match)',
    category: 'narrows the hold to data of one policy category',
    reason: 'why the hold was placed or released (free text), shown in reports',
  },
};

interface ContractMessage {
  file: string;
  dto: DtoClass<object>;
  title: string;
  description: string;
}

export const CONTRACT_MESSAGES: ContractMessage[] = [
  {
    file: 'data-created.json',
    dto: DataCreatedDto,
    title: 'data-created',
    description: 'Personal or audit data was created in a regional store.',
  },
  {
    file: 'data-deleted.json',
    dto: DataDeletedDto,
    title: 'data-deleted',
    description: 'A user or admin deleted a data item: purge within the policy deadline.',
  },
  {
    file: 'user-deleted.json',
    dto: UserDeletedDto,
    title: 'user-deleted',
    description: "A user was deleted: purge the user's data in every region and store that holds it.",
  },
  {
    file: 'subscription-ended.json',
    dto: SubscriptionEndedDto,
    title: 'subscription-ended',
    description:
      "The tenant's subscription ended: passive deletion starts (or, with expedite: true, an expedited deletion).",
  },
  {
    file: 'subscription-reactivated.json',
    dto: SubscriptionReactivatedDto,
    title: 'subscription-reactivated',
    description:
      'The tenant reactivated: pending passive deletion is cancelled (unless a command was issued).',
  },
  {
    file: 'legal-hold.json',
    dto: LegalHoldDto,
    title: 'legal-hold',
    description:
      'A legal hold was placed or released: the whole tenant, or narrowed by subjectId, dataId and/or category. Each placement after a release opens a new hold; a release ends every placement of its holdId; a release of a hold never placed is dead-lettered.',
  },
  {
    file: 'data-restored.json',
    dto: DataRestoredDto,
    title: 'data-restored',
    description:
      'A deleted data item was restored: its pending data-deleted purge is cancelled (recorded as too late once a command was issued).',
  },
  {
    file: 'user-restored.json',
    dto: UserRestoredDto,
    title: 'user-restored',
    description:
      "A deleted user was restored: the pending purge of the user's deletion is cancelled (recorded as too late once a command was issued).",
  },
  {
    file: 'deletion-receipt.json',
    dto: DeletionReceiptDto,
    title: 'deletion-receipts.<region>',
    description:
      "A regional store's receipt for a deletion command; accepted only from the command's region and store.",
  },
  {
    file: 'deletion-command.json',
    dto: DeletionCommandDto,
    title: 'deletion-commands.<region>',
    description: 'A deletion command for one regional store, idempotent by commandId.',
  },
];

/** Fails on a rule the table does not know, naming the DTO and field. */
function checkRulesKnown(dto: DtoClass<object>): void {
  const storage = getMetadataStorage();
  for (const meta of storage.getTargetValidationMetadatas(dto, '', true, false)) {
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
    const name = meta.constraintCls
      ? storage.getTargetValidatorConstraints(meta.constraintCls)[0]?.name
      : meta.type;
    if (name === undefined || !(name in RULES)) {
      throw new Error(
        `${dto.name}.${meta.propertyName}: rule "${name}" has no JSON Schema in scripts/contract-schemas.ts`,
      );
    }
  }
}

function dtoSchema(m: ContractMessage): JsonSchema {
  checkRulesKnown(m.dto);
  // The table's plain JSON Schema objects are what the converters expect (OpenAPI schema objects).
  const converters = RULES as unknown as NonNullable<
    Parameters<typeof targetConstructorToSchema>[1]
  >['additionalConverters'];
  const generated = targetConstructorToSchema(m.dto, { additionalConverters: converters }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  const properties = generated.properties ?? {};
  // The contract's field order (envelope first), which class-validator's metadata does not keep.
  const order = fieldsOf(m.dto.prototype).map((f) => f.property);
  const extra = Object.keys(properties).filter((p) => !order.includes(p));
  if (extra.length > 0) throw new Error(`${m.dto.name}: fields without @Field: ${extra.join(', ')}`);
  const required = new Set(generated.required ?? []);
  // An optional field may also be null: the DTOs read null as "not given" (class-validator's @IsOptional).
  const nullable = (p: string, schema: JsonSchema): JsonSchema =>
    required.has(p) || typeof schema.type !== 'string' ? schema : { ...schema, type: [schema.type, 'null'] };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: m.title,
    description: `${m.description} Generated from ${m.dto.name}; unknown extra fields are tolerated.`,
    type: 'object',
    properties: Object.fromEntries(
      order.map((p) => [
        p,
        {
          ...((FIELD_DESCRIPTIONS[m.file]?.[p] ?? DESCRIPTIONS[p])
            ? { description: FIELD_DESCRIPTIONS[m.file]?.[p] ?? DESCRIPTIONS[p] }
            : {}),
          ...nullable(p, properties[p]),
        },
      ]),
    ),
    required: order.filter((p) => required.has(p)),
    additionalProperties: true,
  };
}

/** The dead-letter value is an interface (libs/contracts/src/dead-letter.ts), not a DTO: its schema is written here. */
const encoding = { type: 'string', enum: ['utf8', 'base64'] };
const headerValue = {
  oneOf: [
    { type: 'string' },
    {
      type: 'object',
      properties: { encoding: { const: 'base64' }, value: { type: 'string' } },
      required: ['encoding', 'value'],
    },
  ],
};
const DEAD_LETTER: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'lifecycle-dead-letter',
  description:
    'A record ingest rejected, with everything needed to inspect and re-drive it byte for byte. Written from DeadLetterValue (an interface, not a DTO).',
  type: 'object',
  properties: {
    value: {
      type: ['string', 'null'],
      description: 'the original value: its text if valid UTF-8, else base64; null if none',
    },
    valueEncoding: encoding,
    key: { type: ['string', 'null'], description: 'the original key, encoded as the value' },
    keyEncoding: encoding,
    headers: {
      type: 'object',
      description:
        'the original headers; repeated headers stay arrays; non-UTF-8 values as {encoding: base64, value}',
      additionalProperties: { oneOf: [headerValue, { type: 'array', items: headerValue }] },
    },
    topic: { type: 'string', description: 'source topic' },
    partition: { type: 'integer', minimum: 0, description: 'source partition' },
    offset: { type: 'string', pattern: '^\\d+$', description: 'source offset' },
    reason: {
      type: 'string',
      description: 'why it was rejected, e.g. "invalid field tenantId: is required"',
    },
    rejectedAt: { type: 'string', format: 'date-time', description: 'when it was rejected (RFC 3339, UTC)' },
  },
  required: [
    'value',
    'valueEncoding',
    'key',
    'keyEncoding',
    'headers',
    'topic',
    'partition',
    'offset',
    'reason',
    'rejectedAt',
  ],
  additionalProperties: false,
};

/** File name → schema, for every message of the contract. */
export function contractSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const m of CONTRACT_MESSAGES) out[m.file] = dtoSchema(m);
  out['dead-letter.json'] = DEAD_LETTER;
  return out;
}

/** The text each file holds. */
export function schemaFileText(schema: JsonSchema): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
