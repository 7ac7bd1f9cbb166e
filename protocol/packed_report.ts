/**
 * A governor's report of a finished task, in its full form (a `finished`
 * message) and packed into one flat array (a `done` message), which a
 * governor sends instead when neither the task nor an output has a `debug`
 * log, `user` info or a run-time content type: most tasks of a large graph.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { id, user } from "./attributes.ts";
import {
  array,
  bytes,
  bytesAt,
  int,
  intAt,
  InvalidField,
  literal,
  num,
  numAt,
  objectOf,
  optional,
  str,
  strAt,
  type Validator,
} from "./validate.ts";

/**
 * What a governor reports of one output of a finished task: its info, with
 * default fields left out (the server fills them in).
 */
export interface OutputReport {
  /** The object's id. */
  id: Id;
  /** Size in bytes. */
  size: number;
  /** Content hash (`info.hash`). */
  hash: string;
  /** Run-time content type; absent when it is the declared one. */
  contentType?: string;
  /** Debug log; absent when empty. */
  debug?: string;
  /** `info.user`; absent when empty. */
  user?: Record<string, unknown>;
  /** The data of a small kept object, so the server can answer fetches at once. */
  data?: Uint8Array;
}

/**
 * A finished task's info as a governor reports it: the error is `""` and the
 * governor is the reporting one; `debug` and `user` are absent when empty.
 */
export interface FinishedInfo {
  /** Start time, epoch ms. */
  startTime: number;
  /** Duration, ms. */
  duration: number;
  /** Debug log; absent when empty. */
  debug?: string;
  /** `info.user`; absent when empty. */
  user?: Record<string, unknown>;
}

/** The full form of a finished task's report. */
export interface FinishedMessage {
  /** Message type. */
  type: "finished";
  /** The task's id. */
  id: Id;
  /** Its info. */
  info: FinishedInfo;
  /** Its outputs, in order. */
  outputs: OutputReport[];
}

/** The fields of a {@linkcode PackedReport} before its outputs. */
export type PackedReportHeader = [session: number, n: number, startTime: number, duration: number];

/** One output's fields in a {@linkcode PackedReport}; `data` is `null` unless reported. */
export type PackedReportOutput = [n: number, size: number, hash: string, data: Uint8Array | null];

/**
 * A packed report: the {@linkcode PackedReportHeader}, then the
 * {@linkcode PackedReportOutput} fields of each output, in one flat array.
 * Every id is in the task's session.
 */
export type PackedReport = [...PackedReportHeader, ...PackedReportOutput[number][]];

const HEADER = 4;
const OUTPUT = 4;

/**
 * Packs a finished task's report when it has nothing but sizes and data.
 *
 * @param id The task's id.
 * @param info Its info.
 * @param outputs Its output reports.
 * @returns The packed report, or `null` when the report needs the full form.
 */
export function packReport(
  id: Id,
  info: FinishedInfo,
  outputs: readonly OutputReport[],
): PackedReport | null {
  if (info.debug !== undefined || info.user !== undefined) return null;
  const p: PackedReport = [id[0], id[1], info.startTime, info.duration];
  for (const o of outputs) {
    if (o.contentType !== undefined || o.debug !== undefined || o.user !== undefined) return null;
    if (o.id[0] !== id[0]) return null;
    p.push(o.id[1], o.size, o.hash, o.data ?? null);
  }
  return p;
}

/**
 * Validates a packed report and unpacks it into the full form.
 *
 * @param v The packed report.
 * @returns The report as a `finished` message.
 * @throws {InvalidField} When the array is malformed, naming the index.
 */
export function unpackReport(v: unknown): FinishedMessage {
  if (!Array.isArray(v) || v.length < HEADER || (v.length - HEADER) % OUTPUT !== 0) {
    throw new InvalidField("expected a packed report");
  }
  const session = intAt(v, 0);
  const outputs = new Array<OutputReport>((v.length - HEADER) / OUTPUT);
  for (let i = 0, k = HEADER; k < v.length; i++, k += OUTPUT) {
    const out: OutputReport = {
      id: [session, intAt(v, k)],
      size: intAt(v, k + 1),
      hash: strAt(v, k + 2),
    };
    if (v[k + 3] !== null) out.data = bytesAt(v, k + 3);
    outputs[i] = out;
  }
  return {
    type: "finished",
    id: [session, intAt(v, 1)],
    info: { startTime: numAt(v, 2), duration: numAt(v, 3) },
    outputs,
  };
}

/** Checks the full form of a finished task's report. */
export const finishedMessage: Validator<FinishedMessage> = objectOf<FinishedMessage>({
  type: literal("finished"),
  id,
  info: objectOf<FinishedInfo>({
    startTime: num,
    duration: num,
    debug: optional(str),
    user: optional(user),
  }),
  outputs: array(
    objectOf<OutputReport>({
      id,
      size: int,
      hash: str,
      contentType: optional(str),
      debug: optional(str),
      user: optional(user),
      data: optional(bytes),
    }),
  ),
});
