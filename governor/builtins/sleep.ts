/**
 * `sleep`: forwards its input after a delay.
 *
 * @module
 */
import type { Builtin } from "./types.ts";
import { sleepConfig } from "./configs.ts";

/** Runs a sleep task; resolves early (with an error) when the session stops. */
export const sleep: Builtin = async (ctx) => {
  const { seconds } = sleepConfig(ctx);
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new Error("Task was stopped"));
    };
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener("abort", stop);
      resolve();
    }, seconds * 1000);
    ctx.signal.addEventListener("abort", stop, { once: true });
  });
  return [{ forward: ctx.inputs[0]! }];
};
