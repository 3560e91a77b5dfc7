package dev.vyre.spi.cache;

import java.util.concurrent.atomic.AtomicLong;

/** The counters behind {@link CacheMetrics}, shared by a cache and its stores. */
final class Counters {
    final AtomicLong lookups = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong memoryHits = new AtomicLong();
    final AtomicLong diskHits = new AtomicLong();
    final AtomicLong compiles = new AtomicLong();
    final AtomicLong compileNanos = new AtomicLong();
    final AtomicLong puts = new AtomicLong();
    final AtomicLong diskWrites = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong diskEvictions = new AtomicLong();
    final AtomicLong refusedFiles = new AtomicLong();
    final AtomicLong bytesServed = new AtomicLong();
    final AtomicLong bytesStored = new AtomicLong();
}
