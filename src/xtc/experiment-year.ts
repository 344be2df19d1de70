/**
 * The year of an LCLS experiment from its name, as CalibManager's experiment chooser groups them: the last
 * two characters, when they are digits, are the year within 2000 (`xppd7114` → 2014). Platform-neutral.
 */

/** Experiments of one year (or of no recognisable year). */
export interface ExperimentYearGroup {
  /** `2014`, or `undefined` for names that do not end in two digits. */
  readonly year: number | undefined;
  /** Experiment names, sorted. */
  readonly experiments: readonly string[];
}

/** Year of an experiment name (`cxic0415` → 2015), or undefined when it does not end in two digits. */
export function experimentYear(experiment: string): number | undefined {
  const m = /(\d\d)$/.exec(experiment);
  return m ? 2000 + Number(m[1]) : undefined;
}

/** Group experiment names by {@link experimentYear}: years ascending, names without a year last. */
export function groupExperimentsByYear(experiments: readonly string[]): ExperimentYearGroup[] {
  const byYear = new Map<number | undefined, string[]>();
  for (const e of [...experiments].sort()) {
    const y = experimentYear(e);
    byYear.set(y, [...(byYear.get(y) ?? []), e]);
  }
  return [...byYear]
    .sort(([a], [b]) => (a === undefined ? 1 : b === undefined ? -1 : a - b))
    .map(([year, list]) => ({ year, experiments: list }));
}
