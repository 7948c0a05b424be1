/** The spread of a set of timings, in the unit they were measured in. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentiles of the samples: p99 of 1,000 timings is the 990th fastest, a value
 * that was actually measured rather than one interpolated between two.
 */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) throw new Error('percentiles of no samples');

  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const sum = sorted.reduce((total, sample) => total + sample, 0);

  return {
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted[sorted.length - 1] ?? 0,
    mean: sum / sorted.length,
  };
}

/** Milliseconds since `started` (a `process.hrtime.bigint()` reading). */
export function msSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * A table of timings, one row per label, in milliseconds; each column as wide as its widest
 * figure, so large ones never run into their neighbours.
 */
export function timingTable(rows: [label: string, timings: Percentiles][]): string {
  const columns = ['p50', 'p90', 'p99', 'max', 'mean'] as const;
  const figures = rows.map(([, timings]) => columns.map((column) => timings[column].toFixed(3)));
  const labelWidth = Math.max(0, ...rows.map(([label]) => label.length));
  const widths = columns.map((column, index) =>
    Math.max(7, column.length, ...figures.map((row) => row[index]?.length ?? 0)),
  );
  const line = (label: string, cells: readonly string[]) =>
    [label.padEnd(labelWidth), ...cells.map((cell, index) => cell.padStart(widths[index] ?? 0))]
      .join('  ')
      .trimEnd();

  return [
    line('', columns),
    ...rows.map(([label], index) => line(label, figures[index] ?? [])),
  ].join('\n');
}
