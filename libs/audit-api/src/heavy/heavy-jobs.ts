import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { repoRoot } from '@app/config';
import type { HeavyJob, HeavyJobAnswer } from './heavy-job';

/** API_HEAVY_JOBS' default: two jobs on two cores still leave the event loop its own. */
export const DEFAULT_HEAVY_JOBS = 2;
/** What a 503 asks the client to wait: heavy jobs take seconds, not milliseconds. */
export const HEAVY_RETRY_AFTER_S = 5;
/** A tenant stream up to this long is folded on the event loop: a worker's start costs more. */
export const INLINE_MAX_ENTRIES = 2000;

/** The compiled worker beside this file; from the TypeScript sources (tests), its compiled copy in dist/. */
function workerFile(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, 'heavy-job.worker.js');
  const root = repoRoot();
  return path.join(root, 'dist', path.relative(root, __dirname), 'heavy-job.worker.js');
}

/**
 * Verify, and the audit report of a large tenant, each in a worker thread of its own,
 * at most `max` at once (API_HEAVY_JOBS). Both are CPU-bound for seconds on a large
 * ledger (SQLite reads are synchronous too), and the event loop they would hold also
 * answers every other request and, with `run`, ingests: behind one verify of 1 M
 * entries every request waited. A thread per job costs its start-up (tens of ms),
 * nothing next to the job. When `max` run already the answer is 503 with Retry-After
 * at once: queueing would hold connections and memory for work the client can ask
 * again; the bound keeps cores for the loop.
 */
export class HeavyJobs {
  private active = 0;

  constructor(
    readonly max: number,
    private readonly file: string = workerFile(),
  ) {}

  /** Jobs running now. */
  get running(): number {
    return this.active;
  }

  /**
   * Runs `job` in a worker and resolves to the body it serialised (JSON or HTML); when
   * `max` run already, answers 503 with Retry-After on `res` instead.
   */
  run(job: HeavyJob, res: Response): Promise<string> {
    if (this.active >= this.max) {
      res.setHeader('Retry-After', String(HEAVY_RETRY_AFTER_S));
      throw new ServiceUnavailableException(
        `${this.max} heavy requests (verify, large audit reports) are running: try again after Retry-After seconds`,
      );
    }
    if (!fs.existsSync(this.file)) {
      throw new Error(`the heavy-job worker ${this.file} is missing (npm run build)`);
    }
    this.active++;
    return new Promise<string>((resolve, reject) => {
      let answered = false;
      const worker = new Worker(this.file, { workerData: job });
      worker.once('message', (a: HeavyJobAnswer) => {
        answered = true;
        if (a.ok) resolve(a.result);
        else if (a.unknownTenant) reject(new NotFoundException(a.message));
        else reject(Object.assign(new Error(a.message), { stack: a.stack }));
      });
      worker.once('error', (err) => {
        if (!answered) reject(err);
        answered = true;
      });
      // The slot is free once the thread is gone, not when it answered: its memory goes with it.
      worker.once('exit', (code) => {
        this.active--;
        if (!answered) reject(new Error(`the heavy-job worker exited with ${code} before answering`));
      });
    });
  }
}
