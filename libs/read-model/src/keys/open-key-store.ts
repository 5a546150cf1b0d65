import { ApiKeyStore } from './api-key';
import { PostgresKeyStore } from './postgres-key-store';
import { SqliteKeyStore } from './sqlite-key-store';

/** The key store lives with the read model: same READ_MODEL_URL (`sqlite:<path>` or `postgres://…`). */
export async function openKeyStore(readModelUrl: string): Promise<ApiKeyStore> {
  if (readModelUrl.startsWith('sqlite:')) {
    const file = readModelUrl.slice('sqlite:'.length);
    if (file === '' || file === ':memory:')
      throw new Error('READ_MODEL_URL: API keys need a SQLite file path');
    return new SqliteKeyStore(file);
  }
  if (readModelUrl.startsWith('postgres://') || readModelUrl.startsWith('postgresql://')) {
    return PostgresKeyStore.connect(readModelUrl);
  }
  throw new Error(`READ_MODEL_URL must be sqlite:<path> or postgres://…, got "${readModelUrl}"`);
}
