import { checkoutDataWritten } from './checkout-data';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../../deploy/kafka/broker.js');

/**
 * Stops the broker only if this run started it, and only when KEEP_KAFKA is not set
 * (faster reruns). Fails the run if a test wrote into the checkout's ./data: tests
 * share that directory, so whatever one left there another would see.
 */
export default async function globalTeardown(): Promise<void> {
  const before = process.env.RL_TEST_CHECKOUT_DATA;
  const written = before === undefined ? [] : checkoutDataWritten(JSON.parse(before));
  if (process.env.RL_TEST_STARTED_BROKER === '1' && !process.env.KEEP_KAFKA) {
    delete process.env.RL_TEST_STARTED_BROKER;
    await broker.stopBroker({ quiet: true });
  }
  if (written.length > 0) {
    throw new Error(
      `tests wrote into the checkout's data/ (${written.join(', ')}): give the process under test ` +
        'its own LEDGER_URL, READ_MODEL_URL, SUBJECT_KEYS_URL and CHECKPOINT_KEY in a temporary directory',
    );
  }
}
