export const ZIP_NAME: string;
export interface BundleOptions {
  outdir?: string;
  include?: readonly string[];
  analyze?: boolean;
}
export interface BundleReport {
  zipPath: string;
  zipBytes: number;
  bundleBytes: number;
  sha256: string;
  analysis?: string;
}
export function bundle(options?: BundleOptions): Promise<BundleReport>;
