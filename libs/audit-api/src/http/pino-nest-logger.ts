import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@app/config';

/** Nest's own messages as structured pino lines; its chatty route listing goes to debug. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  /** Nest passes either an Error (unhandled exceptions) or a message, a stack and a context. */
  error(message: unknown, trace?: unknown, context?: unknown): void {
    if (message instanceof Error) {
      this.pino.error(
        { err: message, ...(typeof trace === 'string' ? { context: trace } : {}) },
        message.message,
      );
      return;
    }
    this.pino.error({ context, ...(typeof trace === 'string' ? { trace } : {}) }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.pino.fatal({ context }, String(message));
  }
}
