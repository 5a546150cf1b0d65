import type { SubjectKeyStore } from './subject-key-store';
import { SqliteSubjectKeyStore } from './sqlite-subject-key-store';

/** Opens the store named by SUBJECT_KEYS_URL: `sqlite:<path>` (default sqlite:./data/subject-keys.db) or `postgres://…[?schema=]`. */
export async function openSubjectKeyStore(url: string): Promise<SubjectKeyStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'sqlite': {
      const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
      if (file === '' || file === ':memory:') {
        // An in-memory store would forget every key on restart: all subject parts lost.
        throw new Error(`SUBJECT_KEYS_URL ${JSON.stringify(url)}: subject keys need a SQLite file path`);
      }
      return new SqliteSubjectKeyStore(file);
    }
    case 'postgres':
    case 'postgresql': {
      const { PostgresSubjectKeyStore } = await import('./postgres-subject-key-store');
      return PostgresSubjectKeyStore.connect(url);
    }
    default:
      throw new Error(
        `SUBJECT_KEYS_URL ${JSON.stringify(url)} is not supported: use sqlite:<path> or postgres://…[?schema=<name>]`,
      );
  }
}
