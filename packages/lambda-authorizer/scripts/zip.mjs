// A deterministic zip writer: same entries in, same bytes out. Fixed timestamps (1980-01-01 00:00,
// the earliest DOS date), fixed Unix permissions, entries sorted by name, maximum deflate level.
// The deploy compares the zip's SHA-256 with the function's CodeSha256 to skip unchanged code.
import { crc32, deflateRawSync } from 'node:zlib';

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_NEEDED = 20;
// Upper byte 3 = Unix, so unzip tools apply the permissions in the external attributes.
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
const UTF8_FLAG = 0x0800;
const FILE_MODE = 0o100644;

/**
 * Builds a zip archive from `entries` ({ name, data: Buffer | string, mode? }).
 * @returns {Buffer}
 */
export function createZip(entries) {
  const files = entries
    .map((entry) => ({
      name: entry.name,
      data: Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data),
      mode: entry.mode ?? FILE_MODE,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Set();
  for (const file of files) {
    if (file.name === '' || file.name.startsWith('/') || file.name.split('/').includes('..')) {
      throw new Error(`zip entry name "${file.name}" must be a relative path`);
    }
    if (seen.has(file.name)) throw new Error(`zip entry "${file.name}" is listed twice`);
    seen.add(file.name);
  }

  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const flags = /[^\x20-\x7e]/.test(file.name) ? UTF8_FLAG : 0;
    const crc = crc32(file.data);
    const deflated = deflateRawSync(file.data, { level: 9, memLevel: 9 });
    const stored = deflated.length >= file.data.length;
    const body = stored ? file.data : deflated;
    const method = stored ? 0 : 8;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((file.mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }

  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}
