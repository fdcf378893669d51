import { bundle } from '../../scripts/bundle.mjs';

/** Rebuilds dist/custom-authorizer.zip (deterministic, so unchanged sources give the same bytes). */
export default async function setup(): Promise<void> {
  await bundle();
}
