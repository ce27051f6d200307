/**
 * How the operator commands look things up in AWS when some may not exist: an SDK error is
 * named by its code, and EC2's Describe calls, which fail as a whole when one id does not
 * exist, are retried id by id so the ids that exist are still found. Used by `ami` and `check`.
 */

/** Whether an SDK error carries one of `names` (EC2's `InvalidSubnetID.NotFound`, ...). */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/**
 * Looks `ids` up with `describe`, which fails as a whole with `notFound` when one id does not
 * exist (EC2's way): then each id alone, so the ids that do exist are still found.
 */
export async function findEach<T>(
  ids: readonly string[],
  describe: (ids: readonly string[]) => Promise<ReadonlyMap<string, T>>,
  notFound: string,
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  try {
    return new Map(await describe(unique));
  } catch (error) {
    if (!isAwsError(error, notFound)) throw error;
    if (unique.length === 1) return new Map();
  }
  const found = new Map<string, T>();
  for (const id of unique) {
    for (const [key, value] of await findEach([id], describe, notFound)) found.set(key, value);
  }
  return found;
}
