/** Test helpers for the retention fold (jest). Not part of the runtime API. */
export { EntryBuilder, type At } from './entry-builder';
export { given, type Given, type Then, type PartialObligation } from './given-when-then';
export { obligationIds } from './ids';
