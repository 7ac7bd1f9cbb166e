/**
 * Stand-ins the npm bundle injects for what Node 20 lacks (`scripts/_bundle.ts`
 * maps `Promise.withResolvers` onto these). They replace calls in the bundle
 * only; no global is changed.
 *
 * @module
 */

/**
 * `Promise.withResolvers()` (Node 22+), for Node 20.
 *
 * @returns A promise with its resolve and reject functions.
 */
export function promiseWithResolvers<T>(): PromiseWithResolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
