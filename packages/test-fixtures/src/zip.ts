import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';

/** One entry of a zip archive: its content from fflate, its header fields from the central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** Unix permission bits from the external attributes (what Lambda applies when it unpacks). */
  readonly mode: number;
  /** Upper byte of "version made by": 3 (Unix) for the permissions to be honoured. */
  readonly madeBy: number;
  readonly dosTime: number;
  readonly dosDate: number;
}

interface CentralHeader {
  readonly name: string;
  readonly madeBy: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly crc: number;
  readonly mode: number;
}

/**
 * The central directory's per-entry fields fflate does not report (permissions, timestamps, CRC):
 * the facts the tests hold the archive to.
 */
function readCentralHeaders(zip: Buffer): CentralHeader[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end === -1) throw new Error('no end of central directory record');
  let offset = zip.readUInt32LE(end + 16);
  const headers: CentralHeader[] = [];
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central header at ${offset}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    headers.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      madeBy: zip.readUInt8(offset + 5),
      dosTime: zip.readUInt16LE(offset + 12),
      dosDate: zip.readUInt16LE(offset + 14),
      crc: zip.readUInt32LE(offset + 16),
      mode: (zip.readUInt32LE(offset + 38) >>> 16) & 0o7777,
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return headers;
}

/**
 * Reads a zip archive with fflate (a fresh machine may have no `unzip`), checking each entry's
 * CRC-32 against the central directory (fflate's reader does not).
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const methods = new Map<string, number>();
  const files = unzipSync(zip, {
    filter: (file) => {
      methods.set(file.name, file.compression);
      return true;
    },
  });
  return readCentralHeaders(zip).map((header) => {
    const content = files[header.name];
    if (content === undefined) throw new Error(`${header.name}: not unpacked`);
    const data = Buffer.from(content);
    if (crc32(data) !== header.crc) throw new Error(`${header.name}: CRC mismatch`);
    return {
      name: header.name,
      data,
      method: methods.get(header.name) ?? -1,
      mode: header.mode,
      madeBy: header.madeBy,
      dosTime: header.dosTime,
      dosDate: header.dosDate,
    };
  });
}

/** Writes the archive's files under `dir`, with the permissions the archive carries. */
export function extractZip(zip: Buffer, dir: string): string[] {
  const names: string[] = [];
  for (const entry of readZip(zip)) {
    const path = join(dir, entry.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entry.data, { mode: entry.mode });
    names.push(entry.name);
  }
  return names;
}
