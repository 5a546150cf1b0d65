import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../../deploy/kafka/broker.js');

export interface PrivateBrokerInfo {
  brokers: string;
  pids: number[];
  runDir: string;
  security?: {
    caFile: string;
    clientCertFile: string;
    clientKeyFile: string;
    mtlsBrokers: string;
  };
}

export interface PrivateBroker {
  info: PrivateBrokerInfo;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A broker instance of a test's own (never the shared test broker): a fresh run dir under
 * the system temp dir, ports the kernel says are free, stopped and removed by `stop`.
 */
export async function startPrivateBroker(opts: {
  mode?: 'plaintext' | 'sasl_ssl';
  nodes?: number;
  users?: Array<{ username: string; password: string }>;
  heap?: string;
  /** The first port to try (default: a free one); a taken one is replaced by a free one. */
  port?: number;
}): Promise<PrivateBroker> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-broker-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_RUN_DIR: runDir,
    KAFKA_PORT: String(opts.port ?? (await broker.freePort())),
    KAFKA_CONTROLLER_PORT: '',
    ...(opts.heap ? { KAFKA_HEAP: opts.heap } : {}),
  };
  const args = { env, quiet: true, freePorts: true, mode: opts.mode, nodes: opts.nodes, users: opts.users };
  let info: PrivateBrokerInfo;
  try {
    info = await broker.ensureBroker(args);
  } catch (err) {
    await broker.stopBroker(args).catch(() => undefined);
    throw err;
  }
  return {
    info,
    env,
    stop: async () => {
      // Throw-away data: a node that does not stop within 5 s (a cluster that lost its quorum) is killed.
      await broker.stopBroker({ ...args, timeoutMs: 5_000 });
      if (!process.env.KEEP_TEST_FILES) fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
