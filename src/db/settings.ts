/**
 * PostgreSQL server settings for the embedded server, sized from the machine.
 * An external server (DATABASE_URL) is left as its operator configured it.
 *
 * The workload: one hot 5M-row table read through small index walks, a trigram GIN index built once
 * after a bulk load, and a steady trickle of single-row writes.
 */

export type ServerProfile = "service" | "test";

const MB = 1024 * 1024;

/** `replication`: PG_REPLICATION, WAL enough for streaming replicas (the seed then writes its load to WAL). */
export function serverSettings(
  machine: { memoryBytes: number; cores: number },
  profile: ServerProfile,
  { replication = false }: { replication?: boolean } = {},
): Record<string, string> {
  const memoryMb = Math.floor(machine.memoryBytes / MB);
  const cores = Math.max(1, machine.cores);
  const common = {
    listen_addresses: "127.0.0.1",
    // No socket file in /tmp to collide with another server; the embedded server puts its socket in its own
    // data directory instead (embedded.ts).
    unix_socket_directories: "",
    // Hot queries are sub-millisecond; JIT compilation would cost more than it saves.
    jit: "off",
    // The data set fits in memory: random reads cost about what sequential ones do.
    random_page_cost: "1.1",
    effective_io_concurrency: "64",
    timezone: "UTC",
    // Bulk loads into tables created in the same transaction skip WAL entirely at "minimal".
    wal_level: replication ? "replica" : "minimal",
    max_wal_senders: replication ? "10" : "0",
    max_worker_processes: String(cores + 4),
    max_parallel_workers: String(cores),
    max_parallel_maintenance_workers: String(cores),
  };
  if (profile === "test") {
    // Throw-away data: durability buys nothing, startup and small memory matter.
    return {
      ...common,
      shared_buffers: "128MB",
      work_mem: "16MB",
      maintenance_work_mem: "256MB",
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
    };
  }
  return {
    ...common,
    // A quarter of memory (capped) for PostgreSQL's cache, the rest left to the OS page cache.
    shared_buffers: `${clamp(Math.floor(memoryMb / 4), 128, 8192)}MB`,
    effective_cache_size: `${clamp(Math.floor((memoryMb * 3) / 4), 256, 65536)}MB`,
    // Per sort/hash node; search plans sort a few thousand rows at most.
    work_mem: `${clamp(Math.floor(memoryMb / 512), 8, 64)}MB`,
    // Index builds after the bulk load are the slowest phase of seeding: give them room.
    maintenance_work_mem: `${clamp(Math.floor(memoryMb / 12), 64, 2048)}MB`,
    max_wal_size: "8GB",
    checkpoint_timeout: "30min",
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
