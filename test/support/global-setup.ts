/**
 * Starts the local Kafka broker for integration and e2e tests unless KAFKA_BROKERS
 * points at one. Workers inherit KAFKA_BROKERS from this process.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../../deploy/kafka/broker.js');

export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) return;
  const { brokers, startedHere } = await broker.ensureBroker({
    quiet: process.env.CI !== 'true',
    // A port held by another checkout's broker (or anything else) gets a free one instead.
    freePorts: true,
  });
  process.env.KAFKA_BROKERS = brokers;
  if (startedHere) process.env.RL_TEST_STARTED_BROKER = '1';
}
