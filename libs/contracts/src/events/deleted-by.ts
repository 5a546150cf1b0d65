import type { DeletedBy } from '../entry-types';

/** Who asked for a deletion; the union type lives in entry-types, the runtime list here. */
export const DELETED_BY: readonly DeletedBy[] = ['user', 'admin'];
