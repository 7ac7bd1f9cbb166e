/**
 * The life of a long-running command: the parts it started (server,
 * governors, launchers) are stopped in reverse order on SIGINT or SIGTERM,
 * and the process exits 0; a part that ends by itself can end the process
 * with an error instead.
 *
 * @module
 */
import { runtime } from "../runtime/mod.ts";

/** Something a command started and stops on the way out. */
export interface Part {
  /** Stops it. */
  close(): Promise<void>;
}

/** The parts of a running command and how the process ends. */
export class Lifecycle {
  #parts: Part[] = [];
  #ending = false;
  #log: (message: string) => void;
  #controller = new AbortController();
  #off: () => void;

  /**
   * Listens for SIGINT and SIGTERM from now on, so a signal that arrives
   * while the command is still starting also stops it cleanly.
   *
   * @param log Log sink.
   */
  constructor(log: (message: string) => void) {
    this.#log = log;
    this.#off = runtime.onShutdownSignal(() => this.#end(0, "stopping..."));
  }

  /**
   * Called when the command returned: a command that started nothing to keep
   * running (`--help`, a query) no longer holds the signals.
   */
  settle(): void {
    if (this.#parts.length === 0) this.#off();
  }

  /** Aborted once the command is ending (a part still starting should give up). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Adds a started part; it is stopped when the command ends.
   *
   * @param part The part.
   * @returns The part.
   */
  add<P extends Part>(part: P): P {
    this.#parts.push(part);
    return part;
  }

  /**
   * Ends the command because of an error (unless it is already ending):
   * logs the message, stops every part and exits with code 1.
   *
   * @param message Why.
   */
  fail(message: string): void {
    this.#end(1, message);
  }

  async #end(code: number, message: string): Promise<void> {
    if (this.#ending) return;
    this.#ending = true;
    this.#log(message);
    this.#controller.abort();
    for (const p of this.#parts.reverse()) await p.close().catch(() => {});
    runtime.exit(code);
  }
}
