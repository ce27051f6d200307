import { distance } from "fastest-levenshtein";

/**
 * The known name someone most likely meant when they wrote `input`, for a "did you mean ...?"
 * hint: the same name in another case, a name it abbreviates (`prod` for `production`,
 * `pollSecs` for `pollSeconds`), or one a few typos away. Undefined when nothing is close enough to be a helpful guess.
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  const byCase = known.find((name) => name.toLowerCase() === typed);
  if (byCase !== undefined) return byCase;
  // About one typo per three characters, at least two: `ami` → `amiId`, `subnets` → `subnetIds`.
  const allowed = Math.max(2, Math.floor(typed.length / 3));
  let best: { name: string; cost: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    const abbreviates = typed.length >= 3 && isAbbreviation(typed, candidate);
    const cost = distance(typed, candidate);
    if ((abbreviates || cost <= allowed) && (best === undefined || cost < best.cost)) {
      best = { name, cost };
    }
  }
  return best?.name;
}

/** Whether `short` is `long` with letters left out, starting with the same letter. */
function isAbbreviation(short: string, long: string): boolean {
  if (short[0] !== long[0]) return false;
  let next = 0;
  for (const char of long) if (char === short[next]) next++;
  return next >= short.length;
}
