/**
 * `LabeledList`: an array whose items can also be looked up by label.
 *
 * @module
 */

/**
 * An `Array` with `.get(label)` and `.labels`.
 *
 * @example Look up an output by label
 * ```ts
 * import { LabeledList } from "./labeled_list.ts";
 * const list = new LabeledList(["a", "b"], ["first", "second"]);
 * list.get("second"); // "b"
 * ```
 */
export class LabeledList<T> extends Array<T> {
  readonly #labels: string[];

  /** Derived arrays (`map`, `filter`, ...) are plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /**
   * Makes a list of items with one label each.
   *
   * @param items The items in order.
   * @param labels One label per item.
   */
  constructor(items: readonly T[], labels: readonly string[]) {
    super();
    if (items.length !== labels.length) throw new RangeError("One label per item is required");
    for (const item of items) this.push(item);
    this.#labels = [...labels];
  }

  /** The labels in order. */
  get labels(): readonly string[] {
    return this.#labels;
  }

  /**
   * The item with a label.
   *
   * @param label The label.
   * @returns The first item with that label.
   * @throws {RangeError} When no item has the label.
   */
  get(label: string): T {
    const i = this.#labels.indexOf(label);
    if (i < 0) {
      throw new RangeError(
        `No item labelled "${label}" (labels: ${this.#labels.map((l) => `"${l}"`).join(", ")})`,
      );
    }
    return this[i]!;
  }
}
