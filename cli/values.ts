/**
 * Checks of option values shared by the commands; each throws a
 * `UsageError` naming the option and the value.
 *
 * @module
 */
import { type HostPort, parseAddress } from "../common/address.ts";
import { UsageError } from "./command.ts";

/**
 * A whole number ≥ 1.
 *
 * @param raw The value.
 * @param flag The option, for the error.
 * @returns The number.
 */
export function positiveInteger(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} must be a positive integer, got "${raw}"`);
  }
  return n;
}

/**
 * A whole number ≥ 0.
 *
 * @param raw The value.
 * @param flag The option, for the error.
 * @returns The number.
 */
export function nonNegativeInteger(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} must be a non-negative integer, got "${raw}"`);
  }
  return n;
}

/**
 * Makes a checker of `HOST[:PORT]` values.
 *
 * @param defaultPort The port when none is given.
 * @returns The checker.
 */
export function address(defaultPort: number): (raw: string, flag: string) => HostPort {
  return (raw, flag) => {
    try {
      return parseAddress(raw, defaultPort);
    } catch (e) {
      throw new UsageError(`${flag}: ${(e as Error).message}`);
    }
  };
}
