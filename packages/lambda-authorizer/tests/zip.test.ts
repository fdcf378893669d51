import { randomBytes } from 'node:crypto';
import { readZip } from '@jwt-authorizer/test-fixtures';
import { describe, expect, it } from 'vitest';
import { createZip } from '../scripts/zip.mjs';

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const UNIX = 3;

describe('createZip', () => {
  it('gives the same bytes for the same entries, whatever their order', () => {
    const code = 'export const handler = async () => ({});\n'.repeat(50);
    const a = createZip([
      { name: 'index.mjs', data: code },
      { name: 'routes.json', data: '{}' },
    ]);
    const b = createZip([
      { name: 'routes.json', data: Buffer.from('{}') },
      { name: 'index.mjs', data: Buffer.from(code) },
    ]);
    expect(a.equals(b)).toBe(true);
  });

  it('writes sorted entries with a fixed 1980-01-01 timestamp and Unix rw-r--r-- permissions', () => {
    const zip = createZip([
      { name: 'b.txt', data: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
      { name: 'a.txt', data: 'a' },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.data.toString(), e.mode, e.madeBy, e.dosDate, e.dosTime])).toEqual([
      ['a.txt', 'a', 0o644, UNIX, DOS_DATE_1980_01_01, 0],
      ['b.txt', 'b'.repeat(40), 0o644, UNIX, DOS_DATE_1980_01_01, 0],
    ]);
  });

  it('gives the same bytes in every time zone', () => {
    const entries = [{ name: 'index.mjs', data: 'export const handler = 1;\n' }];
    const saved = process.env.TZ;
    try {
      const zips = ['UTC', 'Pacific/Kiritimati', 'Etc/GMT+12'].map((zone) => {
        process.env.TZ = zone;
        return createZip(entries);
      });
      expect(zips[1]?.equals(zips[0] as Buffer)).toBe(true);
      expect(zips[2]?.equals(zips[0] as Buffer)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('deflates compressible data and stores data deflate cannot shrink', () => {
    const noise = randomBytes(64);
    const entries = readZip(
      createZip([
        { name: 'noise.bin', data: noise },
        { name: 'text.txt', data: 'x'.repeat(1000) },
      ]),
    );
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['noise.bin', 0],
      ['text.txt', 8],
    ]);
    expect(entries[0]?.data.equals(noise)).toBe(true);
    expect(entries[1]?.data.toString()).toBe('x'.repeat(1000));
  });

  it.each([
    ['an absolute name', [{ name: '/etc/passwd', data: 'x' }]],
    ['a name leaving the archive', [{ name: '../index.mjs', data: 'x' }]],
    ['an empty name', [{ name: '', data: 'x' }]],
    [
      'a name listed twice',
      [
        { name: 'index.mjs', data: 'a' },
        { name: 'index.mjs', data: 'b' },
      ],
    ],
  ])('refuses %s', (_case, entries) => {
    expect(() => createZip(entries)).toThrow(/zip entry/);
  });
});
