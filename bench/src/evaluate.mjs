// One evaluator for the declarative targets (../targets.mjs) against a results object, the one a
// run builds or a results.json read back: the same verdicts during a run and offline.

/**
 * @typedef {number | { value: number, note?: string } | { missing: string } | undefined} Figure
 * @typedef {object} Target
 * @property {string} id Stable identifier.
 * @property {string} section The section whose results it reads (profile, throughput, cold, jwks, soak, log).
 * @property {string} description What is promised, in words.
 * @property {'ratio' | 'ms' | 'us' | 'count' | 'bytes' | 'megabytes'} unit How its figures print.
 * @property {(results: object) => Figure} measure Selects the measured figure.
 * @property {'>=' | '<=' | '<' | '>' | '=='} op
 * @property {number | ((results: object) => Figure)} threshold A number or a figure of the same run.
 *
 * @typedef {object} Verdict
 * @property {string} id
 * @property {string} section
 * @property {string} description
 * @property {'pass' | 'miss' | 'missing' | 'not run'} status `missing`: the section ran and gave no
 *   usable figure; `not run`: the section was not part of the run.
 * @property {number | undefined} value
 * @property {number | undefined} threshold
 * @property {string} op
 * @property {string} unit
 * @property {string | undefined} note What the figures are (the peer compared with, the raw times).
 * @property {string | undefined} reason Why a figure is missing.
 */

const COMPARE = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '==': (a, b) => a === b,
};

/** A selector's answer as `{ value, note }` or `{ missing }`; a throw or a non-number is missing. */
function figureOf(select, results) {
  let figure;
  try {
    figure = typeof select === 'function' ? select(results) : select;
  } catch (err) {
    return { missing: `no figure (${err.message})` };
  }
  if (figure === undefined || figure === null) return { missing: 'no figure in the results' };
  if (typeof figure === 'number') figure = { value: figure };
  if (typeof figure.missing === 'string') return { missing: figure.missing };
  if (typeof figure.value !== 'number' || Number.isNaN(figure.value)) {
    return { missing: 'the figure is not a number' };
  }
  return { value: figure.value, note: figure.note };
}

/**
 * Judges every target against `results`. A target whose section is not listed in
 * `results.sections` is `not run`; one whose figure or threshold is absent, failed or not a number
 * is `missing`, never passed.
 * @param {readonly Target[]} targets
 * @param {object} results
 * @returns {Verdict[]}
 */
export function evaluateTargets(targets, results) {
  const ran = new Set(results.sections ?? []);
  return targets.map((target) => {
    const compare = COMPARE[target.op];
    if (compare === undefined) throw new Error(`target ${target.id}: unknown comparison "${target.op}"`);
    const verdict = {
      id: target.id,
      section: target.section,
      description: target.description,
      status: 'not run',
      value: undefined,
      threshold: typeof target.threshold === 'number' ? target.threshold : undefined,
      op: target.op,
      unit: target.unit,
      note: undefined,
      reason: undefined,
    };
    if (!ran.has(target.section)) {
      verdict.reason = `section ${target.section} not in this run`;
      return verdict;
    }
    const measured = figureOf(target.measure, results);
    const threshold = figureOf(target.threshold, results);
    const missing = measured.missing ?? (threshold.missing && `threshold: ${threshold.missing}`);
    verdict.value = measured.value;
    verdict.threshold = threshold.value;
    verdict.note =
      [measured.note, threshold.note && `threshold ${threshold.note}`].filter(Boolean).join('; ') ||
      undefined;
    if (missing) {
      verdict.status = 'missing';
      verdict.reason = missing;
      return verdict;
    }
    verdict.status = compare(measured.value, threshold.value) ? 'pass' : 'miss';
    return verdict;
  });
}
