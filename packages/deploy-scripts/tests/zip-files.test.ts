import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { computeCodeSha256 } from '../src/lambda-zip.js';
import { addFilesToZip } from '../src/zip-files.js';
import { makeTempDir } from './helpers/harness.js';

const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

/** Reads every entry through the central directory, checking each CRC, as unzip does. */
function readZip(bytes: Uint8Array): Record<string, string> {
  const zip = Buffer.from(bytes);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = zip.readUInt32LE(end + 16);
  const entries: Record<string, string> = {};
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    const size = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const local = zip.readUInt32LE(offset + 42);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + size));
    expect(crc32(data)).toBe(zip.readUInt32LE(offset + 16));
    entries[name] = data.toString('utf8');
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

describe('addFilesToZip', () => {
  const dir = makeTempDir({ 'routes.json': '{"GET /pets": ["read:pets"]}', 'keys/k.json': '{"keys":[]}' });
  const base = { path: '/tmp/a.zip', bytes: EMPTY_ZIP, sha256: computeCodeSha256(EMPTY_ZIP) };

  it('adds the files after the existing entries, keeping those readable, deterministically', () => {
    const first = addFilesToZip(base, [
      { setting: 'JWT_ROUTES_FILE', path: join(dir, 'routes.json'), zipName: 'settings/routes.json' },
    ]);
    const second = addFilesToZip(first, [
      { setting: 'issuers[0].jwksFile', path: join(dir, 'keys/k.json'), zipName: 'settings/keys/k.json' },
    ]);
    expect(readZip(second.bytes)).toEqual({
      'settings/routes.json': '{"GET /pets": ["read:pets"]}',
      'settings/keys/k.json': '{"keys":[]}',
    });
    expect(second.sha256).toBe(computeCodeSha256(second.bytes));
    const again = addFilesToZip(first, [
      { setting: 'issuers[0].jwksFile', path: join(dir, 'keys/k.json'), zipName: 'settings/keys/k.json' },
    ]);
    expect(again.sha256).toBe(second.sha256);
  });

  it('leaves a zip alone when there is nothing to add', () => {
    expect(addFilesToZip(base, [])).toBe(base);
  });

  it.each([
    ['a name already in the zip', 'routes.json', 'settings/routes.json', 'is already in'],
    ['a file that cannot be read', 'missing.json', 'settings/missing.json', 'cannot be read (ENOENT)'],
  ])('fails with CONFIG_INVALID for %s', (_, file, zipName, message) => {
    const withRoutes = addFilesToZip(base, [
      { setting: 'JWT_ROUTES_FILE', path: join(dir, 'routes.json'), zipName: 'settings/routes.json' },
    ]);
    expect(() =>
      addFilesToZip(withRoutes, [{ setting: 'JWT_ROUTES_FILE', path: join(dir, file), zipName }]),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(message) }));
  });

  it('refuses bytes that are not a zip', () => {
    const notZip = new TextEncoder().encode('not really a zip');
    expect(() =>
      addFilesToZip({ path: '/tmp/x.zip', bytes: notZip, sha256: '' }, [
        { setting: 'JWT_ROUTES_FILE', path: join(dir, 'routes.json'), zipName: 'settings/routes.json' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'ZIP_NOT_FOUND' }));
  });
});
