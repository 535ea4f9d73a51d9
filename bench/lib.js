// What the benchmarks share: percentiles, a seeded generator, N requests from C workers, emulator credentials, peak RSS.
'use strict';

/** The p-th percentile (nearest rank) of `values`, in any order; null when there are none. */
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms) => Math.round(ms * 10) / 10;

/** A small seeded generator (mulberry32), so that every run builds the same data. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sends `requests` requests from `concurrency` workers, each sending its next one as soon as the
 * last was answered: `send(i)` resolves to `{ status, ms }`. Resolves to every latency, how many
 * answers were not HTTP 200, and the wall time.
 */
async function sendAll({ requests, concurrency, send }) {
  const latencies = [];
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const res = await send(next++);
      if (res.status !== 200) failures += 1;
      latencies.push(res.ms);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, failures, elapsedMs: performance.now() - started, started };
}

/** Fake credentials for a local AWS emulator, and no SDK notices: set before any SDK client is made. */
function useEmulatorCredentials() {
  Object.assign(process.env, {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
}

/**
 * Samples this process's RSS every `intervalMs` from now; `stop()` ends sampling and gives the peak
 * and its growth over the RSS at the start, in MiB with one decimal.
 */
function trackPeakRss(intervalMs) {
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const sampler = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(sampler);
      sample();
      return { peakRssMiB: round(peakRss / 2 ** 20), rssGrowthMiB: round((peakRss - baseRss) / 2 ** 20) };
    },
  };
}

module.exports = { percentile, round, seededRandom, sendAll, trackPeakRss, useEmulatorCredentials };
