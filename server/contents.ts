/**
 * The server's index of uploaded constant data ("contents"): large
 * constants travel from the client straight to a governor as streams, named
 * by their content hash, and a submit refers to them by hash. Each content
 * is sent once: while a governor of this server holds it (for any earlier
 * submit, session or client, within {@linkcode ContentIndex.retentionMs}),
 * a new constant with the same hash is bound to that copy and nothing is
 * sent again (a hit).
 *
 * @module
 */
import { type DataType, formatId, NO_USER } from "../common/attributes.ts";
import { RainError } from "../common/errors.ts";
import type { ContentItem } from "../protocol/client.ts";
import type { ContentPlan, ContentSummary } from "../protocol/client_replies.ts";
import type { GovernorLink } from "./governor_link.ts";
import { addLocation } from "./locations.ts";
import type { ObjectNode } from "./model.ts";

/** How long uploaded constant data no constant uses stays on its governor, by default. */
export const CONTENT_RETENTION_MS = 30 * 60 * 1000;

/** One content: where it is, and the constants bound to it. */
export interface ContentEntry {
  /** Its content hash. */
  hash: string;
  /** `"blob"` or `"dir"`. */
  dataType: DataType;
  /** Its size in bytes. */
  size: number;
  /** Governors holding it. */
  holders: GovernorLink[];
  /** The governor it is being uploaded to, until it arrives. */
  target: GovernorLink | null;
  /** Live constants bound to it. */
  refs: number;
  /** Since when no constant is bound to it (epoch ms). */
  idleSince: number;
  /** Constants submitted before the upload arrived, finished when it does. */
  waiting: ObjectNode[];
}

/** Tells a governor that a constant is its content, and records that the governor holds it. */
function bindOn(g: GovernorLink, o: ObjectNode, e: ContentEntry): void {
  const { hash, dataType, size } = e;
  g.send({ type: "bind", id: o.spec.id, hash, dataType, size, contentType: o.spec.contentType });
  addLocation(o, g);
}

/** The index of contents held by the governors. */
export class ContentIndex {
  readonly #entries = new Map<string, ContentEntry>();
  /** Bytes of content each governor holds or is receiving, to spread uploads. */
  readonly #load = new Map<GovernorLink, number>();
  #uploads = 0;
  #hits = 0;
  #bytesNotSent = 0;

  /**
   * @param retentionMs How long content no constant is bound to stays on its
   *   governors for later submits.
   */
  constructor(readonly retentionMs: number = CONTENT_RETENTION_MS) {}

  /**
   * Plans a submit's constants: held ones are hits, the others are to be
   * uploaded to the governor holding the fewest content bytes.
   *
   * @param items The constants' hashes, types and sizes.
   * @param governors The connected governors.
   * @returns One plan per item.
   * @throws {RainError} When data must be uploaded and no governor is connected.
   */
  plan(items: ContentItem[], governors: readonly GovernorLink[]): ContentPlan[] {
    return items.map(({ hash, dataType, size }) => {
      const key = `${dataType}:${hash}`;
      const e = this.#entries.get(key);
      if (e && e.holders.length > 0) {
        this.#hits++;
        this.#bytesNotSent += e.size;
        e.idleSince = Date.now();
        return { governor: e.holders[0]!.id, upload: false };
      }
      if (e?.target) return { governor: e.target.id, upload: true };
      let best: GovernorLink | undefined;
      for (const g of governors) {
        if (!best || (this.#load.get(g) ?? 0) < (this.#load.get(best) ?? 0)) best = g;
      }
      if (!best) {
        throw new RainError(
          `Cannot take constant data ${hash}: no governor is connected to hold it`,
          "NO_GOVERNOR",
        );
      }
      this.#load.set(best, (this.#load.get(best) ?? 0) + size);
      this.#entries.set(key, {
        hash,
        dataType,
        size,
        holders: [],
        target: best,
        refs: 0,
        idleSince: Date.now(),
        waiting: [],
      });
      return { governor: best.id, upload: true };
    });
  }

  /**
   * The content a constant refers to.
   *
   * @param hash Its content hash.
   * @param dataType Its data type.
   * @returns The entry, if the data is held or on its way.
   */
  get(hash: string, dataType: DataType): ContentEntry | undefined {
    return this.#entries.get(`${dataType}:${hash}`);
  }

  /**
   * Records that a governor received an upload, and binds the constants that
   * were waiting for it there.
   *
   * @param g The governor.
   * @param hash The content's hash.
   * @param dataType Its data type.
   * @param size Its size.
   * @returns The constants now finished: their dependents and waiters are due.
   */
  held(g: GovernorLink, hash: string, dataType: DataType, size: number): ObjectNode[] {
    const key = `${dataType}:${hash}`;
    let e = this.#entries.get(key);
    if (!e) {
      e = { hash, dataType, size, holders: [], target: null, refs: 0, idleSince: 0, waiting: [] };
      this.#entries.set(key, e);
      this.#load.set(g, (this.#load.get(g) ?? 0) + size);
    }
    if (!e.holders.includes(g)) e.holders.push(g);
    if (e.target === g) e.target = null;
    e.idleSince = Date.now();
    this.#uploads++;
    const finished = e.waiting.filter((o) => o.session.state === "open");
    e.waiting = [];
    for (const o of finished) {
      o.state = "finished";
      o.info = {
        error: "",
        size,
        contentType: o.spec.contentType,
        hash,
        debug: `Data uploaded to governor ${g.id}`,
        user: NO_USER,
      };
      bindOn(g, o, e);
    }
    return finished;
  }

  /**
   * Binds a submitted constant to its content: on the governors holding it,
   * or, while the upload is on its way, once it arrives.
   *
   * @param o The constant (finished when the content is held).
   * @param e Its content.
   */
  bind(o: ObjectNode, e: ContentEntry): void {
    e.refs++;
    if (o.state !== "finished") e.waiting.push(o);
    else for (const g of e.holders) bindOn(g, o, e);
  }

  /**
   * Counts a bound constant gone (its session ended).
   *
   * @param e The content.
   */
  release(e: ContentEntry): void {
    if (--e.refs === 0) e.idleSince = Date.now();
  }

  /**
   * Forgets what a lost governor held or was receiving.
   *
   * @param g The governor.
   * @returns The constants that were waiting for an upload to it, each with
   *   the error that fails its session.
   */
  governorLost(g: GovernorLink): [ObjectNode, string][] {
    const stranded: [ObjectNode, string][] = [];
    for (const [key, e] of this.#entries) {
      e.holders = e.holders.filter((x) => x !== g);
      if (e.target === g) {
        e.target = null;
        for (const o of e.waiting) {
          const error = `Constant ${formatId(o.spec.id)} cannot be had: governor ${g.id} ` +
            "was lost before its uploaded data arrived";
          stranded.push([o, error]);
        }
        e.waiting = [];
      }
      if (e.holders.length === 0 && !e.target) this.#entries.delete(key);
    }
    this.#load.delete(g);
    return stranded;
  }

  /**
   * Drops contents no constant has been bound to for the retention time, and
   * uploads that never arrived.
   *
   * @param now The time (epoch ms).
   * @returns What each holder is to delete.
   */
  sweep(now: number): { g: GovernorLink; hash: string; dataType: DataType }[] {
    const drops: { g: GovernorLink; hash: string; dataType: DataType }[] = [];
    for (const [key, e] of this.#entries) {
      if (e.refs > 0 || e.waiting.length > 0 || now - e.idleSince < this.retentionMs) continue;
      this.#entries.delete(key);
      for (const g of [...e.holders, ...(e.target ? [e.target] : [])]) {
        this.#load.set(g, (this.#load.get(g) ?? 0) - e.size);
        drops.push({ g, hash: e.hash, dataType: e.dataType });
      }
    }
    return drops;
  }

  /**
   * The counters reported by `serverInfo()`.
   *
   * @returns The summary.
   */
  summary(): ContentSummary {
    let count = 0, bytes = 0;
    for (const e of this.#entries.values()) {
      if (e.holders.length === 0) continue;
      count++;
      bytes += e.size;
    }
    return {
      count,
      bytes,
      uploads: this.#uploads,
      hits: this.#hits,
      bytesNotSent: this.#bytesNotSent,
    };
  }
}
