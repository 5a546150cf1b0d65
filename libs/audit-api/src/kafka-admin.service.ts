import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { KAFKA } from '@app/config';
import { topicRecordCount } from '@app/kafka';
import { withTimeout } from './with-timeout';

const TIMEOUT_MS = 5000;

/** One admin connection for health and stats, opened on first use and kept. */
@Injectable()
export class KafkaAdminService implements OnApplicationShutdown {
  private admin: Promise<Admin> | undefined;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((err: unknown) => {
      // The next call tries again instead of keeping a failed connection forever.
      this.admin = undefined;
      throw err;
    });
    return withTimeout(this.admin, TIMEOUT_MS, 'Kafka admin connect');
  }

  /** How many brokers the cluster reports; throws when it cannot be reached in time. */
  async brokerCount(): Promise<number> {
    const admin = await this.connected();
    const cluster = await withTimeout(admin.describeCluster(), TIMEOUT_MS, 'Kafka describeCluster');
    return cluster.brokers.length;
  }

  /** Records in a topic (high minus low watermarks), 0 if it does not exist; as `stats` counts dead letters. */
  async recordCount(topic: string): Promise<number> {
    const admin = await this.connected();
    return withTimeout(topicRecordCount(admin, topic), TIMEOUT_MS, 'Kafka topic offsets');
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }
}
