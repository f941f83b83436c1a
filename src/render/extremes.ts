// Math.max(...list) passes every element as an argument: past ~125,000 (the main thread's stack) it throws
// RangeError, and a news archive can hold more stories than that. These loop instead.

/** The largest of `values`, or `empty` when there are none. */
export function maxOf<T = undefined>(values: Iterable<number>, empty?: T): number | T {
  let best: number | undefined;
  for (const value of values) if (best === undefined || value > best) best = value;
  return best ?? (empty as T);
}

/** The smallest of `values`, or `empty` when there are none. */
export function minOf<T = undefined>(values: Iterable<number>, empty?: T): number | T {
  let best: number | undefined;
  for (const value of values) if (best === undefined || value < best) best = value;
  return best ?? (empty as T);
}
