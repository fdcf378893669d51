/**
 * The edit distance between two strings (optimal string alignment: insertions, deletions,
 * substitutions and swaps of two neighbours each cost 1), counted in UTF-16 code units.
 *
 * @example
 * ```ts
 * editDistance('regoin', 'region'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows: the swap rule looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] as number;
}

/**
 * The candidate closest to a mistyped name, for a "did you mean" hint: the unique candidate the input
 * is a prefix of (`dry` → `dry-run`), else the nearest by {@link editDistance} when it is within a
 * third of the candidate's length (at least 1). Ties go to the candidate listed first.
 *
 * @returns the suggestion, or `undefined` when nothing is close
 * @example
 * ```ts
 * closestMatch('regoin', ['region', 'profile']); // 'region'
 * closestMatch('colour', ['region', 'profile']); // undefined
 * ```
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  if (input === '') return undefined;
  const extending = candidates.filter((candidate) => candidate.startsWith(input));
  if (extending.length === 1) return extending[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Quotes a piece of the user's command line for a one-line message: control characters, line and
 * paragraph separators and other invisible characters become `\u` escapes, and long input is cut.
 *
 * @example
 * ```ts
 * quoteInput('--re\ngion'); // '--re\\u000agion'
 * ```
 */
export function quoteInput(input: string, maxLength = 60): string {
  const shown = input.length > maxLength ? `${input.slice(0, maxLength)}…` : input;
  return shown.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (char) => {
    // \u{…} for a character outside the BMP, so the escape reads as one character.
    const code = char.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
