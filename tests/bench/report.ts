/** One figure per line, in the form tools read: `BENCH review.strip_s 2.1 s`. */
export function bench(figure: string, value: number, unit: string): void {
  const rounded = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);
  process.stdout.write(`BENCH ${figure} ${rounded} ${unit}\n`);
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export function note(line: string): void {
  process.stdout.write(`# ${line}\n`);
}
