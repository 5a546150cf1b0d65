import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { DiagnosticSeverity, fromFile, Parser } from '@asyncapi/parser';
import { DtoClass, TopicNames, validateDto } from '@app/contracts';
import { CONTRACT_MESSAGES, contractSchemas, schemaFileText } from '../scripts/contract-schemas';
import { lifecycleEvents } from './support/fixtures';

/**
 * The contract artefacts producers and regional stores build on (libs/contracts): the
 * committed JSON Schemas are exactly what the DTOs generate, the AsyncAPI document is
 * valid and covers every topic, and schemas and DTOs agree on what they accept.
 */
const CONTRACTS = path.resolve(__dirname, '..', 'libs', 'contracts');
const SCHEMAS = path.join(CONTRACTS, 'schemas');

function ajv(): Ajv {
  const a = new Ajv({ allErrors: true, strict: false });
  addFormats(a);
  return a;
}

describe('contract artefacts', () => {
  it('the committed JSON Schemas are current (npm run contracts:schemas)', () => {
    const generated = contractSchemas();
    const committed = fs
      .readdirSync(SCHEMAS)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(committed).toEqual(Object.keys(generated).sort());
    for (const [file, schema] of Object.entries(generated)) {
      expect({ file, text: fs.readFileSync(path.join(SCHEMAS, file), 'utf8') }).toEqual({
        file,
        text: schemaFileText(schema),
      });
    }
  });

  it('every schema is a valid JSON Schema (draft-07)', () => {
    const a = ajv();
    for (const [file, schema] of Object.entries(contractSchemas())) {
      expect({ file, valid: a.validateSchema(schema) }).toEqual({ file, valid: true });
    }
  });

  describe('the AsyncAPI document', () => {
    let parsed: Awaited<ReturnType<ReturnType<typeof fromFile>['parse']>>;

    beforeAll(async () => {
      parsed = await fromFile(new Parser(), path.join(CONTRACTS, 'asyncapi.yaml')).parse();
    }, 60_000);

    it('is valid, without errors or warnings', () => {
      const problems = parsed.diagnostics.filter(
        (d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning,
      );
      expect(problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
      expect(parsed.document).toBeDefined();
    });

    it('has a channel for every topic the system uses, and only those', () => {
      const regions = ['eu', 'us'];
      const addresses = parsed
        .document!.channels()
        .all()
        .map((c) => c.address() ?? '');
      const expanded = addresses.flatMap((a) =>
        a.includes('{region}') ? regions.map((r) => a.replace('{region}', r)) : [a],
      );
      expect(expanded.sort()).toEqual(new TopicNames('', regions).allTopics().sort());
    });

    it('each message payload is the generated schema, and every example satisfies it and its DTO', () => {
      const a = ajv();
      const generated = contractSchemas();
      const dtoByTitle = new Map(CONTRACT_MESSAGES.map((m) => [m.title, m.dto]));
      let examples = 0;
      for (const channel of parsed.document!.channels().all()) {
        for (const message of channel.messages().all()) {
          const payload = message.payload()!.json() as Record<string, unknown>;
          const file = Object.keys(generated).find((f) => generated[f].title === payload.title);
          expect({ channel: channel.id(), schema: file }).toEqual({
            channel: channel.id(),
            schema: expect.any(String),
          });
          const validate = a.compile(generated[file!]);
          for (const example of message.examples().all()) {
            const value = example.payload();
            examples++;
            expect({
              channel: channel.id(),
              value,
              valid: validate(value),
              errors: validate.errors ?? null,
            }).toMatchObject({
              valid: true,
            });
            const dto = dtoByTitle.get(String(payload.title));
            if (dto) expect(validateDto(dto, value as Record<string, unknown>).ok).toBe(true);
          }
        }
      }
      expect(examples).toBeGreaterThanOrEqual(9);
    });
  });

  describe('schemas and DTOs agree', () => {
    const a = ajv();
    const schemaOf = (dto: DtoClass<object>) => {
      const m = CONTRACT_MESSAGES.find((x) => x.dto === dto)!;
      return a.compile(contractSchemas()[m.file]);
    };
    const BAD_VALUES: unknown[] = [
      undefined,
      null,
      '',
      ' ',
      'a b',
      'x'.repeat(65),
      'x'.repeat(129),
      'x'.repeat(257),
      'line\nbreak',
      5,
      -1,
      1.5,
      true,
      [],
      {},
      '2024-05-01T12:00:00',
      '2024-02-30T12:00:00Z',
      'nobody',
    ];

    it('on valid fixtures of every lifecycle topic, and on each field replaced by a bad value', () => {
      const byTopic = new Map(CONTRACT_MESSAGES.map((m) => [m.title, m.dto]));
      let compared = 0;
      for (const event of lifecycleEvents(60, { seed: 'schema' })) {
        const dto = byTopic.get(event.topic)!;
        const validate = schemaOf(dto);
        expect(validate(event.value)).toBe(true);
        for (const field of Object.keys(event.value)) {
          for (const bad of BAD_VALUES) {
            const value: Record<string, unknown> = { ...event.value, [field]: bad };
            if (bad === undefined) delete value[field];
            const byDto = validateDto(dto, value).ok;
            const bySchema = validate(value);
            expect({ topic: event.topic, field, bad, byDto, bySchema }).toEqual({
              topic: event.topic,
              field,
              bad,
              byDto,
              bySchema: byDto,
            });
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(3000);
    });
  });
});
