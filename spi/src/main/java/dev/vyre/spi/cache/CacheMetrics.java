package dev.vyre.spi.cache;

import org.apiguardian.api.API;

/**
 * A snapshot of one {@link CompileCache}'s counters since it was made. Counters only grow, except
 * {@code memoryEntries} and {@code memoryBytes}, which tell what the memory store holds now.
 *
 * @param lookups       artifacts asked for ({@link CompileCache#get} and {@link CompileCache#getOrCompile})
 * @param hits          lookups served from memory or disk; {@code hits + misses == lookups}
 * @param misses        lookups that found no valid artifact
 * @param memoryHits    hits served by the memory store
 * @param diskHits      hits served by the disk store (then kept in memory too)
 * @param compiles      compiler runs {@link CompileCache#getOrCompile} made on a miss (a lookup that
 *                      waited for another thread compiling the same key counts as a miss, not a compile)
 * @param compileNanos  time spent in those compiler runs
 * @param puts          artifacts stored (a compile's result or {@link CompileCache#put})
 * @param diskWrites    files written to the disk store
 * @param rejected      artifacts a store did not keep: larger than its budget, or a disk write that failed
 * @param evictions     entries dropped to stay within a budget (memory entries and bytes, disk bytes)
 * @param refusedFiles  disk files refused on read: corrupt, truncated, of another key, or not a regular
 *                      file (a symbolic link); each is a miss and one log line
 * @param bytesServed   artifact bytes returned by hits
 * @param bytesStored   artifact bytes stored by puts
 * @param memoryEntries artifacts in the memory store now
 * @param memoryBytes   artifact bytes in the memory store now
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record CacheMetrics(long lookups, long hits, long misses, long memoryHits, long diskHits, long compiles,
                           long compileNanos, long puts, long diskWrites, long rejected, long evictions,
                           long refusedFiles, long bytesServed, long bytesStored, long memoryEntries,
                           long memoryBytes) {
}
