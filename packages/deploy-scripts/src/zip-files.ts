import { readFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import type { BundledFile } from './config.js';
import { DeployError } from './errors.js';
import { computeCodeSha256, type LambdaZip } from './lambda-zip.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
// 1980-01-01 00:00, as the bundle script writes: the same files give the same zip, so CodeSha256 is stable.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function findEndOfCentralDirectory(zip: Uint8Array): number {
  const view = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let offset = view.length - 22; offset >= Math.max(0, view.length - 22 - 65_535); offset--) {
    if (view.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new DeployError(
    'ZIP_NOT_FOUND',
    'The deployment zip has no end-of-central-directory record: rebuild it',
  );
}

function entryNames(view: Buffer, centralStart: number, count: number): Set<string> {
  const names = new Set<string>();
  let offset = centralStart;
  for (let i = 0; i < count; i++) {
    const nameLength = view.readUInt16LE(offset + 28);
    names.add(view.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + view.readUInt16LE(offset + 30) + view.readUInt16LE(offset + 32);
  }
  return names;
}

/**
 * Adds the files settings name (routes, config, static JWKS) to the deployment zip, deflated, after
 * its existing entries; the zip on disk is not changed.
 *
 * @throws DeployError `CONFIG_INVALID` when a file cannot be read or its name is already in the zip
 * @example
 * ```ts
 * const withSettings = addFilesToZip(readLambdaZip(path), config.files);
 * ```
 */
export function addFilesToZip(zip: LambdaZip, files: readonly BundledFile[]): LambdaZip {
  if (files.length === 0) return zip;
  const view = Buffer.from(zip.bytes.buffer, zip.bytes.byteOffset, zip.bytes.byteLength);
  const end = findEndOfCentralDirectory(zip.bytes);
  const count = view.readUInt16LE(end + 10);
  const centralSize = view.readUInt32LE(end + 12);
  const centralStart = view.readUInt32LE(end + 16);
  const existing = entryNames(view, centralStart, count);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = centralStart;
  for (const file of files) {
    if (existing.has(file.zipName)) {
      throw new DeployError(
        'CONFIG_INVALID',
        `${file.zipName} is already in ${zip.path}: rename ${file.path}`,
      );
    }
    let data: Buffer;
    try {
      data = readFileSync(file.path);
    } catch (error) {
      throw new DeployError(
        'CONFIG_INVALID',
        `${file.setting} names ${file.path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: error },
      );
    }
    const name = Buffer.from(file.zipName, 'utf8');
    const compressed = deflateRawSync(data);
    const checksum = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(0x031e, 4); // made by Unix, spec 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const newCentral = Buffer.concat([view.subarray(centralStart, centralStart + centralSize), ...centrals]);
  const eocd = Buffer.from(view.subarray(end, end + 22));
  eocd.writeUInt16LE(count + files.length, 8);
  eocd.writeUInt16LE(count + files.length, 10);
  eocd.writeUInt32LE(newCentral.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(0, 20);
  const bytes = Buffer.concat([view.subarray(0, centralStart), ...locals, newCentral, eocd]);
  return { path: zip.path, bytes, sha256: computeCodeSha256(bytes) };
}
