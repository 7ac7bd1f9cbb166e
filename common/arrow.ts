/**
 * Content type `"arrow"` (Arrow IPC stream or file bytes), decoded into an
 * `apache-arrow` `Table`. The package is imported only once an arrow object
 * is about to be handed out ({@linkcode ensureArrowFor}), so processes that
 * never see one never pay for the import; decoding itself is synchronous.
 *
 * @module
 */
import type { Table } from "apache-arrow";

/** The content type of Arrow IPC data. */
export const ARROW = "arrow";

type ArrowModule = typeof import("apache-arrow");

let arrow: ArrowModule | null = null;
let loading: Promise<ArrowModule> | null = null;

/**
 * Imports `apache-arrow` (once) when any of the content types is `"arrow"`.
 *
 * @param contentTypes Content types of objects about to be handed out.
 * @returns Resolves once `load()` of arrow objects works.
 */
export async function ensureArrowFor(...contentTypes: string[]): Promise<void> {
  if (arrow || !contentTypes.includes(ARROW)) return;
  loading ??= import("apache-arrow");
  try {
    arrow = await loading;
  } catch (e) {
    loading = null;
    throw new Error(`Cannot import apache-arrow to load content type "arrow": ${e}`);
  }
}

/**
 * Decodes Arrow IPC bytes into a `Table`.
 *
 * @param bytes The IPC bytes.
 * @returns The table.
 * @throws {Error} When `apache-arrow` was not imported yet (see {@linkcode ensureArrowFor}).
 */
export function decodeArrow(bytes: Uint8Array): Table {
  if (!arrow) {
    throw new Error(
      'Cannot load content type "arrow": apache-arrow is not imported yet; ' +
        'decode the bytes with tableFromIPC from `await import("apache-arrow")`',
    );
  }
  return arrow.tableFromIPC(bytes);
}
