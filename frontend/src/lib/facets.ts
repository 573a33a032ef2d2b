// The options of the filter bar's selects, with the counts of the current
// query's facets: "Service (12,345)". Without facets (no query yet, or one
// for another scope on its way) they are the known values without counts.
import { formatCount } from './format';

/** FacetCount is one value of a facet and how many matching events have it. */
export interface FacetCount {
  value: string;
  n: number;
}

/** Option is one <option> of a select: the value sent to Go and the text shown. */
export interface Option {
  value: string;
  label: string;
}

const labelled = (value: string, counts: FacetCount[]): Option => {
  const n = counts.find((c) => c.value === value)?.n ?? 0;
  return { value, label: `${value} (${formatCount(n)})` };
};

const plain = (value: string): Option => ({ value, label: value });

/** byValue orders values bytewise, as Go sorts them, so a select keeps its order as counts change. */
const byValue = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * scopeOptions lists the known scopes in the console's order, then any
 * other scope the cache holds. With counts, a scope none matches shows
 * (0): the scope facet ignores the chosen scope, so each count says what
 * choosing that scope would give.
 */
export function scopeOptions(known: readonly string[], counts: FacetCount[] | null, chosen: string): Option[] {
  const values = [...known];
  const extra = [...(counts ?? []).map((c) => c.value), chosen].filter((v) => v !== '' && !values.includes(v));
  values.push(...new Set(extra.sort(byValue)));
  return values.map((v) => (counts ? labelled(v, counts) : plain(v)));
}

/**
 * categoryOptions lists exactly the categories the facet counts (with a
 * scope chosen, that scope's), A to Z, and the chosen one even when none of
 * it matches, so the select can show what is chosen.
 */
export function categoryOptions(known: readonly string[], counts: FacetCount[] | null, chosen: string): Option[] {
  const values = counts ? counts.map((c) => c.value) : [...known];
  if (chosen !== '' && !values.includes(chosen)) values.push(chosen);
  values.sort(byValue);
  return values.map((v) => (counts ? labelled(v, counts) : plain(v)));
}

/** statusOptions lists both statuses, with their counts when there are facets. */
export function statusOptions(statuses: readonly string[], counts: FacetCount[] | null): Option[] {
  return statuses.map((v) => (counts ? labelled(v, counts) : plain(v)));
}
