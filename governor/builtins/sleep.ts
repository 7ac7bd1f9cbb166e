/**
 * `sleep`: forwards its input after a delay.
 *
 * @module
 */
import { type SleepConfig, sleepConfig } from "../../protocol/task_configs.ts";
import { type Builtin, onlyInput } from "./types.ts";

/** Runs a sleep task; resolves early (with an error) when the session stops. */
export const sleep: Builtin<SleepConfig> = {
  config: sleepConfig,
  run: async (ctx) => {
    const { seconds } = ctx.config;
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
    return [{ forward: onlyInput(ctx) }];
  },
};
