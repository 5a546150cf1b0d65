import type { AppConfig } from '@app/config';
import { Dispatcher, type DispatcherDeps, type DispatcherOptions } from './dispatcher';

/** The dispatcher's settings `run` takes from the environment (DISPATCH_*, RECEIPT_TIMEOUT). */
export function dispatchSettings(config: AppConfig): DispatcherOptions {
  return {
    batchSize: 500,
    maxAttempts: config.dispatchMaxAttempts,
    retryBaseMs: config.dispatchRetryBaseMs,
    receiptTimeoutMs: config.receiptTimeoutMs,
  };
}

export interface CreateDispatcher extends Omit<DispatcherDeps, 'findIssued'> {
  settings: DispatcherOptions;
}

/** The one way a dispatcher is built: its outbox lookup is always the ledger's eventId index. */
export function createDispatcher({ settings, ...deps }: CreateDispatcher): Dispatcher {
  return new Dispatcher({ ...deps, findIssued: (eventId) => deps.ledger.findByEventId(eventId) }, settings);
}
