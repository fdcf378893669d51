/**
 * Edit distance with adjacent transpositions (optimal string alignment), over code points, stopping
 * early once every path exceeds `limit`.
 */
function boundedDistance(a: readonly string[], b: readonly string[], limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The candidate `input` most likely misspells, for "did you mean" messages: the one at the smallest
 * edit distance (insertions, deletions, substitutions and swaps of adjacent characters, letter case
 * ignored), when that distance is at most a third of the input's length (at least 1). Of equally
 * close candidates the first wins; `input` itself wins when it is a candidate.
 *
 * @returns the candidate, or undefined when none is close enough.
 * @example
 * closestName('requiredScope', ['requiredScopes', 'routes']) // 'requiredScopes'
 * closestName('JWT_ROUTE', ['JWT_ROUTES', 'JWT_ROUTES_FILE']) // 'JWT_ROUTES'
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(input)) return input;
  const typed = Array.from(input.toLowerCase());
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(typed.length / 3));
  for (const candidate of candidates) {
    const distance = boundedDistance(typed, Array.from(candidate.toLowerCase()), bestDistance);
    if (distance < bestDistance || (distance === bestDistance && best === undefined)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1, counted over code points.
 *
 * @example
 * editDistance('regoin', 'region'); // 1
 */
export function editDistance(a: string, b: string): number {
  return boundedDistance(Array.from(a), Array.from(b), Number.POSITIVE_INFINITY);
}

/**
 * The candidate closest to a mistyped command-line name, for a "did you mean" hint: the unique
 * candidate the input is a prefix of (`dry` → `dry-run`), else the nearest by {@link editDistance}
 * (letter case ignored) when it is within a third of the candidate's length (at least 1). Ties go
 * to the candidate listed first. (Settings and option keys use {@link closestName}, which judges by
 * the input's length and has no prefix rule.)
 *
 * @returns the suggestion, or `undefined` when nothing is close
 * @example
 * closestMatch('regoin', ['region', 'profile']); // 'region'
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  if (input === '') return undefined;
  const extending = candidates.filter((candidate) => candidate.startsWith(input));
  if (extending.length === 1) return extending[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
