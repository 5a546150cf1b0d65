/**
 * Test helpers for "no reason quotes a value" (not part of the public surface): records
 * that carry a recognisable marker where a subject id, a key or another field value would
 * be, and a check that finds any piece of the marker in a text (V8's JSON.parse errors, for
 * one, quote about ten characters around the error).
 */
// Letters outside hex and English runs: a UUID, a hash or a word in a log line never holds
// four of them in a row by chance (the first marker, MARKER-4f1c, shares "er-4" with a kafkajs
// memberId such as retention-ledger-4…).
export const MARKER = 'MqZxKw-Pv@Jq.zx';
/** The marker in the shape a tenantId, region or store may take (no `@`). */
export const MARKER_ID = 'mqzxkw-pvjq';

/** Every run of 4 characters of the markers that `text` contains (case-insensitive). */
export function markerFragments(text: string): string[] {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  for (const m of [MARKER, MARKER_ID]) {
    const mark = m.toLowerCase();
    for (let i = 0; i + 4 <= mark.length; i++) {
      const piece = mark.slice(i, i + 4);
      if (lower.includes(piece)) found.add(piece);
    }
  }
  return [...found];
}

export interface MarkedRecord {
  name: string;
  /** The topic's name without prefix: a lifecycle topic or `deletion-receipts.eu`. */
  topic: string;
  value: Buffer;
  key?: string;
  headers?: Record<string, string | Buffer | Array<string | Buffer>>;
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const text = (s: string) => Buffer.from(s, 'utf8');
const envelope = { eventId: 'ev-1', tenantId: 'acme', occurredAt: '2024-05-01T12:00:00Z' };
const userDeleted = { ...envelope, subjectId: MARKER, deletedBy: 'user' };
const created = { ...envelope, dataId: 'd-1', category: 'personal', region: 'eu', store: 'files' };
const receipt = {
  commandId: 'cmd-1',
  tenantId: 'acme',
  region: 'eu',
  store: 'files',
  status: 'completed',
  completedAt: '2024-05-01T14:00:00Z',
};
const LONG = MARKER.repeat(80);

/** Malformed JSON with the marker at the start, the middle and the end, one case per V8 error message. */
const MALFORMED: Array<[string, string]> = [
  ['the whole value', MARKER],
  ['an unquoted value', `{"subjectId":${MARKER}}`],
  ['an unterminated string', `{"subjectId":"${MARKER}`],
  ['a truncated record', `{"eventId":"ev-1","subjectId":"${MARKER}",`],
  ['text after the object', `{"eventId":"ev-1"} ${MARKER}`],
  ['an unquoted property name', `{${MARKER}: 1}`],
  ['a missing colon', `{"${MARKER}" 1}`],
  ['a missing comma', `{"subjectId":"${MARKER}" "x":1}`],
  ['a missing comma in an array', `{"a":["${MARKER}" 1]}`],
  ['a control character in a string', `{"subjectId":"${MARKER}\u0001"}`],
  ['a bad escape', `{"subjectId":"${MARKER}\\x"}`],
  ['a bad unicode escape', `{"subjectId":"${MARKER}\\u12G4"}`],
  ['a bare minus', `{"subjectId":"${MARKER}","n":-x}`],
  ['a bad exponent', `{"subjectId":"${MARKER}","n":1e}`],
  ['a bad fraction', `{"subjectId":"${MARKER}","n":1.}`],
  ['a single-quoted string', `{'subjectId':'${MARKER}'}`],
  ['a long prefix then garbage', `{"subjectId":"${LONG}"}}`],
];

/** Records that parse as JSON but break a rule, with the marker in the offending field or beside it. */
const INVALID: MarkedRecord[] = [
  { name: 'subjectId too long', topic: 'user-deleted', value: json({ ...userDeleted, subjectId: LONG }) },
  {
    name: 'subjectId a number beside the marker',
    topic: 'user-deleted',
    value: json({ ...userDeleted, deletedBy: MARKER, subjectId: 7 }),
  },
  {
    name: 'subjectId with a control character',
    topic: 'user-deleted',
    value: json({ ...userDeleted, subjectId: `${MARKER}\u0007` }),
  },
  {
    name: 'deletedBy not in the enum',
    topic: 'user-deleted',
    value: json({ ...userDeleted, deletedBy: MARKER }),
  },
  {
    name: 'tenantId of a bad shape',
    topic: 'user-deleted',
    value: json({ ...userDeleted, tenantId: MARKER }),
    key: MARKER,
  },
  { name: 'eventId too long', topic: 'user-deleted', value: json({ ...userDeleted, eventId: LONG }) },
  {
    name: 'eventId with a reserved prefix',
    topic: 'user-deleted',
    value: json({ ...userDeleted, eventId: `op:${MARKER}` }),
  },
  {
    name: 'occurredAt not a time',
    topic: 'user-deleted',
    value: json({ ...userDeleted, occurredAt: MARKER }),
  },
  {
    name: 'occurredAt an impossible date',
    topic: 'user-deleted',
    value: json({ ...userDeleted, occurredAt: '2024-02-30T12:00:00Z' }),
  },
  {
    name: 'occurredAt before MIN_OCCURRED_AT',
    topic: 'user-deleted',
    value: json({ ...userDeleted, occurredAt: '1999-01-01T00:00:00Z' }),
  },
  {
    name: 'occurredAt far in the future',
    topic: 'user-deleted',
    value: json({ ...userDeleted, occurredAt: '2999-01-01T00:00:00Z' }),
  },
  { name: 'the key differs from tenantId', topic: 'user-deleted', value: json(userDeleted), key: MARKER_ID },
  { name: 'a JSON array', topic: 'user-deleted', value: json([MARKER]) },
  { name: 'a JSON string', topic: 'user-deleted', value: json(MARKER) },
  {
    name: 'not UTF-8',
    topic: 'user-deleted',
    value: Buffer.concat([text(`{"subjectId":"${MARKER}`), Buffer.from([0xff, 0xfe]), text('"}')]),
  },
  {
    name: 'oversized',
    topic: 'user-deleted',
    value: json({ ...userDeleted, padding: MARKER + '.'.repeat(300 * 1024) }),
  },
  {
    name: 'unknown category',
    topic: 'data-created',
    value: json({ ...created, subjectId: MARKER, category: MARKER_ID }),
  },
  {
    name: 'unknown region',
    topic: 'data-created',
    value: json({ ...created, subjectId: MARKER, region: MARKER_ID }),
  },
  { name: 'dataId too long', topic: 'data-created', value: json({ ...created, dataId: LONG }) },
  { name: 'store too long', topic: 'data-created', value: json({ ...created, store: LONG }) },
  {
    name: 'legal hold with a bad holdId',
    topic: 'legal-hold',
    value: json({ ...envelope, holdId: `${MARKER}\u0000`, action: 'placed', subjectId: MARKER }),
  },
  {
    name: 'legal hold with a bad action',
    topic: 'legal-hold',
    value: json({ ...envelope, holdId: 'h-1', action: MARKER, subjectId: MARKER }),
  },
  {
    name: 'receipt for another region',
    topic: 'deletion-receipts.eu',
    value: json({ ...receipt, region: MARKER_ID }),
  },
  {
    name: 'receipt with a bad status',
    topic: 'deletion-receipts.eu',
    value: json({ ...receipt, status: MARKER }),
  },
  {
    name: 'receipt with a bad completedAt',
    topic: 'deletion-receipts.eu',
    value: json({ ...receipt, completedAt: MARKER }),
  },
  {
    name: 'receipt with an over-long error',
    topic: 'deletion-receipts.eu',
    value: json({ ...receipt, status: 'failed', error: LONG.repeat(20) }),
  },
  {
    name: 'receipt with a commandId of a bad shape',
    topic: 'deletion-receipts.eu',
    value: json({ ...receipt, commandId: `${MARKER}\u0001` }),
  },
  {
    name: 'CloudEvent with a bad specversion',
    topic: 'user-deleted',
    value: json({ specversion: MARKER, id: 'e', source: 's', type: 't', data: userDeleted }),
    headers: { 'content-type': 'application/cloudevents+json' },
  },
  {
    name: 'CloudEvent with a bad datacontenttype',
    topic: 'user-deleted',
    value: json({
      specversion: '1.0',
      id: 'e',
      source: 's',
      type: 't',
      datacontenttype: MARKER,
      data: userDeleted,
    }),
    headers: { 'content-type': 'application/cloudevents+json' },
  },
  {
    name: 'CloudEvent with data a string',
    topic: 'user-deleted',
    value: json({ specversion: '1.0', id: 'e', source: 's', type: 't', data: MARKER }),
    headers: { 'content-type': 'application/cloudevents+json' },
  },
  {
    name: 'binary-mode ce_time not a time',
    topic: 'user-deleted',
    value: json({ eventId: 'ev-1', tenantId: 'acme', subjectId: MARKER, deletedBy: 'user' }),
    headers: { ce_time: MARKER },
  },
  {
    name: 'binary-mode ce_id repeated differently',
    topic: 'user-deleted',
    value: json({
      tenantId: 'acme',
      occurredAt: '2024-05-01T12:00:00Z',
      subjectId: MARKER,
      deletedBy: 'user',
    }),
    headers: { ce_id: [MARKER, `${MARKER}-2`] },
  },
  {
    name: 'content-type not UTF-8',
    topic: 'user-deleted',
    value: json(userDeleted),
    headers: { 'content-type': Buffer.concat([text(MARKER), Buffer.from([0xff])]) },
  },
];

/** Every marked record: the malformed ones first. */
export function markedRecords(): MarkedRecord[] {
  return [
    ...MALFORMED.map(([name, v]) => ({
      name: `malformed JSON: ${name}`,
      topic: 'user-deleted',
      value: text(v),
    })),
    ...INVALID,
  ];
}

/** The malformed-JSON texts alone, for parsers of other records (commands, a store's data-created). */
export function malformedJsonTexts(): Array<[string, string]> {
  return MALFORMED;
}
