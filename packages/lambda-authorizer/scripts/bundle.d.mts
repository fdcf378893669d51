export const ZIP_NAME: string;
export interface BundleOptions {
  outdir?: string;
  include?: readonly string[];
  analyze?: boolean;
}
export interface BundleReport {
  zipPath: string;
  zipBytes: number;
  /** index.mjs alone. */
  bundleBytes: number;
  /** index.mjs and the chunks it imports statically: what a cold start reads. */
  startupBytes: number;
  /** The chunks only a dynamic import() reaches (DPoP, certificate binding, introspection). */
  lazyBytes: number;
  sha256: string;
  analysis?: string;
}
export function bundle(options?: BundleOptions): Promise<BundleReport>;
export interface BundleCommandLine {
  outdir?: string;
  include?: string[];
  analyze?: boolean;
  quiet?: boolean;
  help?: boolean;
}
export function parseCommandLine(args: readonly string[]): { values: BundleCommandLine } | { error: string };
