/** "Did you mean": the known word nearest a mistyped one, by edit distance, or none when nothing is near. */

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(
        distance[row - 1]![column]! + 1,
        distance[row]![column - 1]! + 1,
        distance[row - 1]![column - 1]! + cost,
      );
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1])
        best = Math.min(best, distance[row - 2]![column - 2]! + 1);
      distance[row]![column] = best;
    }
  }
  return distance[rows - 1]![columns - 1]!;
}

/**
 * The candidate a typo most likely meant: the nearest within a third of its length (at least one edit,
 * at most three), or the only candidate the word begins. Null when none is close enough to be a guess.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const typed = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= limit && (best === null || distance < best.distance)) best = { candidate, distance };
  }
  if (best !== null) return best.candidate;
  const started = typed.length >= 2 ? candidates.filter((candidate) => candidate.startsWith(typed)) : [];
  return started.length === 1 ? started[0]! : null;
}

/** ": did you mean X?" when there is a near candidate, else "". */
export function didYouMean(word: string, candidates: readonly string[], prefix = ""): string {
  const guess = closest(word, candidates);
  return guess === null ? "" : `: did you mean ${prefix}${guess}?`;
}
