/**
 * The strict shape of an ISO-8601 duration, shared by the configuration (DISPATCH_INTERVAL…)
 * and the policy (`P30D`): luxon alone accepts `P`, `PT`, `P30DT` and negative parts, and took
 * DISPATCH_INTERVAL=PT for 0 ms (a busy loop). At least one figure, no sign, no trailing `T`;
 * fractions only on the units of fixed length (weeks to seconds), not on years or months.
 */
const SHAPE =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function isStrictIsoDuration(text: string): boolean {
  const figures = SHAPE.exec(text);
  return figures !== null && figures.slice(1).some((f) => f !== undefined) && !text.endsWith('T');
}
