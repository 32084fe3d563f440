import type { SearchSample } from "../conversations/search-sample.ts";
import type { CacheProgress } from "../db/warm-up.ts";

/**
 * What a cluster's primary tells its workers over the IPC channel (advanced serialization: the sample's typed
 * arrays cross as they are). `start` first: the database the primary opened and migrated (and whether requests
 * reach it through a pooler), each worker's share of the connections, and the cursor secret all workers sign
 * with (a cursor from one must open on another).
 */
export type ToWorker =
  | {
      type: "start";
      databaseUrl: string;
      /** For the worker's own listening connection (the change stream): LISTEN needs a session. */
      directUrl: string;
      throughPooler: boolean;
      poolSize: number;
      cursorSecret: string;
    }
  | { type: "sample"; sample: SearchSample }
  | { type: "cache"; progress: CacheProgress };

/** A worker says when it can hear: a message sent to it earlier would be lost. */
export type FromWorker = { type: "listening-for-start" };
