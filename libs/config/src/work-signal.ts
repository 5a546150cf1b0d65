import { EventEmitter } from 'node:events';

export type WorkTopic = 'ledger' | 'obligations';

/**
 * In-process wake-ups between services running in one process: ingest appended
 * (`ledger`), the projector changed obligations (`obligations`). Services in separate
 * processes still work — they just fall back to polling — so this is only latency.
 */
export class WorkSignal {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit(topic: WorkTopic): void {
    this.emitter.emit(topic);
  }

  /** Resolves on the next signal or after `timeoutMs`, whichever comes first. */
  wait(topic: WorkTopic, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(topic, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.once(topic, done);
    });
  }
}
