import { Command, Option } from 'commander';
import { loadConfig } from '@app/config';
import { API_KEY_ROLES, ApiKeyRecord, ApiKeyRole, ApiKeyStore, openKeyStore } from '@app/read-model';
import { renderTable } from '../output';

const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

function tenantId(v: string): string {
  if (!TENANT_ID.test(v)) throw new Error(`--tenant must match [A-Za-z0-9._-]{1,64}, got "${v}"`);
  return v;
}

async function withKeys<T>(work: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const keys = await openKeyStore(loadConfig().readModelUrl);
  try {
    return await work(keys);
  } finally {
    await keys.close();
  }
}

function scope(k: ApiKeyRecord): string {
  return k.tenantId === null ? 'all tenants' : `tenant ${k.tenantId}`;
}

function createCommand(): Command {
  return new Command('create')
    .description(
      'create an API key; it is printed once, as the last word of the last line, and only its hash is kept',
    )
    .addOption(
      new Option('--role <role>', 'auditor: read; operator: read and rebuild')
        .choices(API_KEY_ROLES)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--tenant <tenantId>', 'scope the key to one tenant (default: all tenants)').argParser(
        tenantId,
      ),
    )
    .action(async (opts: { role: ApiKeyRole; tenant?: string }) => {
      const { record, key } = await withKeys((keys) =>
        keys.create({ role: opts.role, tenantId: opts.tenant ?? null }, new Date()),
      );
      process.stdout.write(
        `created key ${record.id}: role ${record.role}, ${scope(record)}. Store it now: it is not shown again.\n` +
          `api key: ${key}\n`,
      );
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('list API keys (ids, roles, scopes; never the keys themselves)')
    .option('--json', 'a JSON array on stdout')
    .action(async (opts: { json?: boolean }) => {
      const list = await withKeys((keys) => keys.list());
      if (opts.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      if (list.length === 0) {
        process.stdout.write('no API keys: create one with "retention-ledger keys create --role auditor"\n');
        return;
      }
      const rows = list.map((k) => [
        k.id,
        k.role,
        scope(k),
        k.createdAt,
        k.revokedAt ? `revoked ${k.revokedAt}` : 'active',
      ]);
      const head = ['id', 'role', 'scope', 'created', 'state'];
      process.stdout.write(renderTable(head, rows));
    });
}

function revokeCommand(): Command {
  return new Command('revoke')
    .description('revoke an API key by id: it stops working at once')
    .argument('<id>', 'the key id (keys list)')
    .action(async (id: string) => {
      const outcome = await withKeys((keys) => keys.revoke(id, new Date()));
      if (outcome === 'unknown') {
        process.stderr.write(`retention-ledger: no API key with id ${id}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(outcome === 'revoked' ? `revoked key ${id}\n` : `key ${id} was already revoked\n`);
    });
}

/** `keys create|list|revoke`: API keys of the audit API, kept hashed next to the read model. */
export function keysCommand(): Command {
  return new Command('keys')
    .description('manage the API keys of the audit API (stored hashed in the read-model database)')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(revokeCommand());
}
