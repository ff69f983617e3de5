/**
 * Samples this process's resident set size while `work` runs (every 10 ms, and before and after), so each
 * measurement reports its own peak. `process.resourceUsage().maxRSS` is the whole process's high-water mark.
 */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export const processPeakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
