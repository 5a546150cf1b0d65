import fs from 'node:fs';
import path from 'node:path';

/** The checkout's ./data: where a process puts its files when nothing names others (the demo's place). */
export const CHECKOUT_DATA = path.resolve(__dirname, '../../data');

/** Each file in ./data with its size and modification time, to tell later whether a test wrote there. */
export function checkoutDataListing(): Record<string, string> {
  if (!fs.existsSync(CHECKOUT_DATA)) return {};
  const listing: Record<string, string> = {};
  for (const name of fs.readdirSync(CHECKOUT_DATA)) {
    const stat = fs.statSync(path.join(CHECKOUT_DATA, name));
    listing[name] = `${stat.size}:${stat.mtimeMs}`;
  }
  return listing;
}

/** The files of ./data that are new or changed since `before`. */
export function checkoutDataWritten(before: Record<string, string>): string[] {
  const now = checkoutDataListing();
  return Object.keys(now).filter((name) => before[name] !== now[name]);
}
