// The dispatcher's stop rule lives in the domain (libs/retention/src/dispatch/attempts.ts).
export { retriesExhausted } from '@app/retention';
