// A deterministic zip: same entries in, same bytes out, so the deploy can compare the zip's SHA-256
// with the function's CodeSha256 and skip unchanged code. fflate writes the archive; what makes it
// deterministic is chosen here: entries sorted by name, one fixed timestamp, fixed Unix permissions.
import { deflateSync, zipSync } from 'fflate';

// Made by Unix (3), so unzip tools and Lambda apply the permissions in the external attributes.
const OS_UNIX = 3;
// A regular file, rw-r--r--: Lambda's runtime user must be able to read index.mjs.
const FILE_MODE = 0o100644;
const LEVEL = 9;

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
  // 1980-01-01 00:00, the earliest DOS date. fflate encodes the DOS timestamp from the Date's
  // local fields, so the Date is made here in the current time zone: a constant made at import
  // would be 1979 once TZ changes westwards, and another time of day eastwards.
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  // fflate writes entries in the object's key order: insertion order (sorted above), except that
  // integer-like names come first in numeric order. Either way a function of the names alone.
  const archive = {};
  for (const file of files) {
    // Data deflate cannot shrink (already compressed, random) is stored as it is.
    const level = deflateSync(file.data, { level: LEVEL }).length < file.data.length ? LEVEL : 0;
    archive[file.name] = [file.data, { level, mtime, os: OS_UNIX, attrs: (file.mode << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(archive));
}
