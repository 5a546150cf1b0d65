// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../../deploy/kafka/broker.js');

/** Stops the broker only if this run started it, and only when KEEP_KAFKA is not set (faster reruns). */
export default async function globalTeardown(): Promise<void> {
  if (process.env.RL_TEST_STARTED_BROKER === '1' && !process.env.KEEP_KAFKA) {
    delete process.env.RL_TEST_STARTED_BROKER;
    await broker.stopBroker({ quiet: true });
  }
}
