/** Nest injection tokens shared by the apps and the composition root (apps/cli). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');

/** Time is injected (STYLE.md): tests and the demo can run on another clock. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const LEDGER_STORE = Symbol('LEDGER_STORE');
export const KAFKA = Symbol('KAFKA');
export const READ_MODEL = Symbol('READ_MODEL');
export const WORK_SIGNAL = Symbol('WORK_SIGNAL');
export const SUBJECT_KEYS = Symbol('SUBJECT_KEYS');
