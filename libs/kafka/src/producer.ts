import { Kafka, Message, Producer } from 'kafkajs';

/**
 * An idempotent producer (acks from all in-sync replicas, broker-side dedupe of retries),
 * so a retried send never writes a record twice.
 */
export class IdempotentProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    await this.producer.send({ topic, acks: -1, messages });
  }

  /** Several topics in one request (e.g. one dead-letter batch per ingest batch). */
  async sendBatch(batches: Array<{ topic: string; messages: Message[] }>): Promise<void> {
    const nonEmpty = batches.filter((b) => b.messages.length > 0);
    if (nonEmpty.length === 0) return;
    await this.connect();
    await this.producer.sendBatch({ acks: -1, topicMessages: nonEmpty });
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    await this.producer.disconnect();
    this.connected = false;
  }
}
