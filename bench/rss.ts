/**
 * Samples this process's resident set size while `work` runs (every 10 ms, and before and after), so each
 * measurement reports its own peak, and what the process was made of at that peak (V8's heap, and memory outside it:
 * Buffers and other external allocations), so a peak can be traced to the heap or to buffers.
 * `process.resourceUsage().maxRSS` is the whole process's high-water mark.
 */

/** process.memoryUsage() at the highest RSS sampled, in MB. */
export interface MemoryAtPeak {
  readonly rssMb: number;
  /** V8's heap as reserved from the OS, and the part of it live or not yet collected. */
  readonly heapTotalMb: number;
  readonly heapUsedMb: number;
  /** Memory V8 objects hold outside its heap (Buffers, ArrayBuffers and native memory they own). */
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
}

const MB = 2 ** 20;
const atPeakOf = (m: NodeJS.MemoryUsage): MemoryAtPeak => ({
  rssMb: m.rss / MB, heapTotalMb: m.heapTotal / MB, heapUsedMb: m.heapUsed / MB, externalMb: m.external / MB, arrayBuffersMb: m.arrayBuffers / MB,
});

export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number; atPeak: MemoryAtPeak }> {
  let peak = process.memoryUsage();
  const take = () => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  };
  const timer = setInterval(take, 10);
  try {
    const value = await work();
    take();
    return { value, peakRssMb: peak.rss / MB, atPeak: atPeakOf(peak) };
  } finally {
    clearInterval(timer);
  }
}

export const processPeakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
