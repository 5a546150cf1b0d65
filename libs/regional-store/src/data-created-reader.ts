import {
  DataCreatedDto,
  describeProblems,
  normaliseRfc3339,
  parseJsonText,
  RawRecord,
  validateDto,
} from '@app/contracts';
import type { DataItem } from './data-item';

export type DataCreatedOutcome =
  | { kind: 'item'; item: DataItem }
  | { kind: 'other-region'; region: string }
  | { kind: 'invalid'; reason: string };

/**
 * A `data-created` record → the row this region's store would hold. Other regions' data
 * never lands here (residency). Invalid records are only skipped: dead-lettering them is
 * ingest's job, and this reader stands in for the service that owns the data.
 */
export function readDataCreated(raw: RawRecord, region: string): DataCreatedOutcome {
  if (raw.value === null || raw.value.length === 0) return { kind: 'invalid', reason: 'empty value' };
  const text = raw.value.toString('utf8');
  const json = parseJsonText(text);
  if (!json.ok) return { kind: 'invalid', reason: json.reason };
  const parsed = json.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'invalid', reason: 'value is not a JSON object' };
  }
  const v = validateDto(DataCreatedDto, parsed as Record<string, unknown>);
  if (!v.ok) return { kind: 'invalid', reason: describeProblems(v.problems) };
  const d = v.value;
  if (d.region !== region) return { kind: 'other-region', region: d.region };
  return {
    kind: 'item',
    item: {
      tenantId: d.tenantId,
      dataId: d.dataId,
      store: d.store,
      subjectId: d.subjectId ?? null,
      category: d.category,
      createdAt: normaliseRfc3339(d.occurredAt),
      payload: text,
    },
  };
}
