export interface ZipEntryInput {
  name: string;
  data: Buffer | string;
  mode?: number;
}
export function createZip(entries: readonly ZipEntryInput[]): Buffer;
