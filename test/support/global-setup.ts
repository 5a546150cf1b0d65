/**
 * Starts the local Kafka broker for integration and e2e tests unless KAFKA_BROKERS
 * points at one. Workers inherit KAFKA_BROKERS (and the keys' places below) from this
 * process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkoutDataListing } from './checkout-data';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../../deploy/kafka/broker.js');

export default async function globalSetup(): Promise<void> {
  // Processes under test seal subject parts and sign checkpoints; a test that does not
  // name its own key store and signing key shares them in a temporary directory instead
  // of ./data in the checkout, and teardown checks that no test wrote into ./data.
  if (process.env.RL_TEST_CHECKOUT_DATA === undefined) {
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-test-keys-'));
    process.env.SUBJECT_KEYS_URL ??= `sqlite:${path.join(keys, 'subject-keys.db')}`;
    process.env.CHECKPOINT_KEY ??= path.join(keys, 'checkpoint-key.pem');
    process.env.RL_TEST_CHECKOUT_DATA = JSON.stringify(checkoutDataListing());
  }
  if (process.env.KAFKA_BROKERS) return;
  const { brokers, startedHere } = await broker.ensureBroker({
    quiet: process.env.CI !== 'true',
    // A port held by another checkout's broker (or anything else) gets a free one instead.
    freePorts: true,
  });
  process.env.KAFKA_BROKERS = brokers;
  if (startedHere) process.env.RL_TEST_STARTED_BROKER = '1';
}
