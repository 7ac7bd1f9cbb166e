/**
 * The content hash of a directory that is at hand as a tar archive (a dir
 * object's `bytes()`, as a client fetches it): the same manifest as
 * `hashDirectory` of the extracted tree (`dir_hash.ts`), built from the
 * archive's entries without extracting anything.
 *
 * @module
 */
import { unpackTar } from "npm:modern-tar@^0.8.6";
import { xxh128 } from "../wasm/hash.ts";
import { hashBytes } from "./content_hash.ts";

/** A manifest record in the making: its kind, mode and content hex. */
interface ManifestRecord {
  type: "f" | "d" | "l";
  mode: 644 | 755;
  content: string;
}

const encoder = new TextEncoder();

/** An entry name as a path relative to the root (`""` for the root itself). */
function normal(name: string): string {
  return name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The content hash of the directory a tar archive holds: hard links count as
 * the files they link to, parent directories without an entry of their own
 * count as directories, and devices, FIFOs and other kinds are left out, as
 * extraction would have it.
 *
 * @param archive The tar archive (uncompressed).
 * @returns `"xxh128:<32 hex digits>"`, as `hashDirectory` of the extracted tree.
 * @throws {Error} When the archive is corrupt.
 */
export async function hashTar(archive: Uint8Array): Promise<string> {
  const records = new Map<string, ManifestRecord>();
  const addParents = (path: string) => {
    for (let i = path.indexOf("/"); i > 0; i = path.indexOf("/", i + 1)) {
      const dir = path.slice(0, i);
      if (!records.has(dir)) records.set(dir, { type: "d", mode: 755, content: "-" });
    }
  };
  for (const { header, data } of await unpackTar(archive, { strict: true })) {
    const path = normal(header.name);
    if (path === "") continue;
    const type = header.type ?? "file";
    let record: ManifestRecord | undefined;
    if (type === "file") {
      const mode = ((header.mode ?? 0o644) & 0o100) !== 0 ? 755 : 644;
      record = { type: "f", mode, content: xxh128(data ?? new Uint8Array(0)) };
    } else if (type === "directory") record = { type: "d", mode: 755, content: "-" };
    else if (type === "symlink") {
      record = { type: "l", mode: 755, content: xxh128(encoder.encode(header.linkname ?? "")) };
    } else if (type === "link") record = records.get(normal(header.linkname ?? ""));
    if (!record) continue;
    addParents(path);
    records.set(path, record);
  }
  const sorted = [...records].map(([path, r]) => ({ path: encoder.encode(path), r, name: path }))
    .sort((a, b) => compareBytes(a.path, b.path));
  const manifest = sorted.map(({ name, r }) => `${r.type} ${r.mode} ${r.content} ${name}\0`);
  return hashBytes(encoder.encode(manifest.join("")));
}
