/** The nearest-rank percentile of ascending `sorted` samples: `fraction` 0.5 is the median, 0.99 the p99. */
export function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
}
