import { connectErrorHeaders } from './dead-letter-headers';

describe('connectErrorHeaders', () => {
  it("names the record's origin and the reason as Kafka Connect's dead-letter queue does", () => {
    const record = { topic: 'data-created', partition: 2, offset: '41', key: null, value: null, headers: {} };
    expect(connectErrorHeaders(record, 'malformed JSON', 'ingest')).toEqual({
      '__connect.errors.topic': 'data-created',
      '__connect.errors.partition': '2',
      '__connect.errors.offset': '41',
      '__connect.errors.connector.name': 'ingest',
      '__connect.errors.task.id': '0',
      '__connect.errors.stage': 'VALUE_CONVERTER',
      '__connect.errors.class.name': 'io.retention-ledger.contracts.parseRecord',
      '__connect.errors.exception.class.name': 'io.retention-ledger.RecordRejected',
      '__connect.errors.exception.message': 'malformed JSON',
    });
  });
});
