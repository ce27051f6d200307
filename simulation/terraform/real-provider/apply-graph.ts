/**
 * The order in which Terraform applies a saved plan, read from its own apply graph
 * (`terraform graph -type=apply -plan=<file>`): which changes must be finished before another
 * starts. Only what the graph guarantees counts, not one run's order (independent changes run
 * in parallel).
 */

/** Change → the changes that must finish before it starts (directly or not). */
export type ApplyOrder = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The graph's changes and their order. A change is named by its address, the apply of a
 * resource's new object (a create or an update) as `aws_x.y`, the destruction of its old object
 * as `aws_x.y (destroy)` (deposed or not). Expansion, provider and root nodes are steps of
 * Terraform's own and are looked through.
 */
export function applyOrder(
  dot: string,
  keep: (address: string) => boolean = () => true,
): ApplyOrder {
  const edges = new Map<string, Set<string>>();
  for (const [, from, to] of dot.matchAll(/^\s*"\[root\] ([^"]+)" -> "\[root\] ([^"]+)"/gm)) {
    const waiting = edges.get(from) ?? new Set<string>();
    waiting.add(to);
    edges.set(from, waiting);
  }
  const isChange = (node: string) =>
    /^(data\.)?[\w-]+\.[\w-]+( \(destroy( deposed \w+)?\))?$/.test(node);
  const name = (node: string) => node.replace(/ \(destroy( deposed \w+)?\)$/, " (destroy)");
  const before = (node: string, seen: Set<string>): Set<string> => {
    for (const next of edges.get(node) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      before(next, seen);
    }
    return seen;
  };
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((to) => [...to])]);
  const changes = [...nodes].filter(
    (node) => isChange(node) && !node.startsWith("data.") && keep(node),
  );
  return new Map(
    changes.map((node) => [
      name(node),
      new Set(
        [...before(node, new Set())]
          .filter((other) => isChange(other) && !other.startsWith("data.") && keep(other))
          .map(name),
      ),
    ]),
  );
}

/** Whether `first` must be finished before `then` starts. */
export function precedes(order: ApplyOrder, first: string, then: string): boolean {
  return order.get(then)?.has(first) ?? false;
}
