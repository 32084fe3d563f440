import { createSampleKeeper, type SampleKeeper, type SearchSample } from "./conversations/search-sample.ts";
import { startSignatureRefresh } from "./conversations/signature-refresh.ts";
import type { Pool } from "./db/pool.ts";
import { type CacheWarmUp, cacheWarmUpOff, startCacheWarmUp } from "./db/warm-up.ts";
import type { Logger } from "./logger.ts";

const SAMPLE_REFRESH_MS = 5 * 60_000;
const SIGNATURE_REFRESH_MS = 5 * 60_000;

/**
 * The work a server does besides answering requests: the planner's search sample, read again every few minutes;
 * the repair of inexact content signatures; the cache warm-up after a start. One process runs it: the only one,
 * or the cluster's primary, which hands the sample and the warm-up's progress to its workers (src/cluster/).
 */
export type Background = {
  sample: SampleKeeper;
  cache: CacheWarmUp;
  /** Resolves once the first sample is read (tests wait for it; the server does not). */
  ready: Promise<void>;
  stop(): void;
};

export function startBackground(
  pool: Pool,
  logger: Logger,
  { warmCache, onSample }: { warmCache: boolean; onSample?: (sample: SearchSample) => void },
): Background {
  const sample = createSampleKeeper(pool, logger, SAMPLE_REFRESH_MS, onSample);
  const ready = sample.refresh().catch((error: unknown) => {
    logger.warn(
      { err: error },
      "reading the search sample failed; searches use index plans until the next refresh",
    );
  });
  const cache = warmCache ? startCacheWarmUp(pool, logger) : cacheWarmUpOff;
  const signatureRefresh = startSignatureRefresh(pool, logger, SIGNATURE_REFRESH_MS);
  return {
    sample,
    cache,
    ready,
    stop: () => {
      sample.stop();
      signatureRefresh.stop();
      cache.stop();
    },
  };
}
