package dev.vyre.spi.cache;

import dev.vyre.protocol.VyreArgumentException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * A content-addressed cache of compiled artifacts (PTX, cubin, SPIR-V, pipeline-cache blobs) for every
 * backend: a memory store (least recently used, within an entry and a byte budget) over a disk store
 * that survives the process. Artifacts are found by {@link CacheKey}, so one backend never receives
 * another's artifact, nor one device or compiler version another's.
 *
 * <pre>{@code
 * CacheKey key = new CacheKey(CacheKey.sha256(source, options), "cuda", "sm_90", "nvrtc 12.8");
 * byte[] cubin = CompileCache.shared().getOrCompile(key, () -> nvrtc.compile(source, options));
 * }</pre>
 *
 * <h2>Where and how much</h2>
 * {@link #shared()} is configured by system properties, else environment variables:
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>property</th><th>variable</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@value #DIR_PROPERTY}</td><td>{@code VYRE_CACHE_DIR}</td><td>the disk store's directory;
 *       {@code none} keeps artifacts in memory only</td><td>{@code $XDG_CACHE_HOME/vyre/compile}, else
 *       {@code ~/.cache/vyre/compile}</td></tr>
 *   <tr><td>{@value #MAX_BYTES_PROPERTY}</td><td>{@code VYRE_CACHE_MAX_BYTES}</td><td>the disk store's size
 *       cap (suffix {@code k}, {@code m} or {@code g} for KiB, MiB, GiB); the least recently used files
 *       go first</td><td>512m</td></tr>
 *   <tr><td>{@value #MEMORY_ENTRIES_PROPERTY}</td><td>{@code VYRE_CACHE_MEMORY_ENTRIES}</td><td>the memory
 *       store's entry budget</td><td>64</td></tr>
 *   <tr><td>{@value #MEMORY_BYTES_PROPERTY}</td><td>{@code VYRE_CACHE_MEMORY_BYTES}</td><td>the memory
 *       store's byte budget</td><td>64m</td></tr>
 *   <tr><td>{@value #ENABLED_PROPERTY}</td><td>{@code VYRE_CACHE}</td><td>{@code off} disables the cache:
 *       every lookup misses and every artifact is compiled</td><td>on</td></tr>
 * </table>
 *
 * <h2>Failures</h2>
 * The cache never fails a compile: a disk file that is corrupt, truncated, of another key, or a
 * symbolic link is a miss and one {@link System.Logger} line ({@code dev.vyre.cache}, WARNING), and is
 * replaced by the next write; a directory that cannot be written keeps artifacts in memory (one line
 * per distinct problem). Only the compiler's own exceptions reach the caller of
 * {@link #getOrCompile}, unchanged, and nothing is stored for them.
 *
 * <p>Thread-safe. Artifacts are copied in and out, so a caller may modify what it gets.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public final class CompileCache {

    /** System property: the disk store's directory, {@code none} for memory only. */
    public static final String DIR_PROPERTY = "vyre.cache.dir";
    /** System property: the disk store's size cap in bytes ({@code k}, {@code m}, {@code g} suffixes). */
    public static final String MAX_BYTES_PROPERTY = "vyre.cache.maxBytes";
    /** System property: the memory store's entry budget. */
    public static final String MEMORY_ENTRIES_PROPERTY = "vyre.cache.memoryEntries";
    /** System property: the memory store's byte budget. */
    public static final String MEMORY_BYTES_PROPERTY = "vyre.cache.memoryBytes";
    /** System property: {@code off} disables the cache. */
    public static final String ENABLED_PROPERTY = "vyre.cache";
    /** The largest artifact either store keeps (64 MiB). */
    public static final long MAX_ARTIFACT_BYTES = 64L << 20;
    /** Name of the {@link System.Logger} the cache reports refused files and write failures to. */
    public static final String LOGGER = "dev.vyre.cache";

    private static final Object SHARED_LOCK = new Object();
    private static volatile CompileCache shared;

    private final boolean enabled;
    private final MemoryLru memory;
    private final DiskStore disk;
    private final Counters counters = new Counters();
    private final ConcurrentHashMap<CacheKey, CompletableFuture<byte[]>> compiling = new ConcurrentHashMap<>();

    private CompileCache(Builder b) {
        this.enabled = b.enabled;
        this.memory = new MemoryLru(b.enabled ? b.memoryEntries : 0, b.memoryBytes);
        this.disk = b.enabled && b.directory != null
                ? new DiskStore(b.directory, b.diskMaxBytes, MAX_ARTIFACT_BYTES, b.logger, counters) : null;
    }

    /**
     * The process-wide cache every backend uses, configured (once, at the first call) from the system
     * properties and environment variables in the class description.
     *
     * <p>The first call also starts loading the JDK's SHA-256 (its security providers: 5-35 ms in a new JVM)
     * on a virtual thread, so that a backend, which asks for this cache when it opens, has it ready by the
     * time it computes its first {@link CacheKey}.
     *
     * @throws VyreArgumentException when a setting is malformed (nothing is cached until it is fixed)
     */
    public static CompileCache shared() {
        CompileCache c = shared;
        if (c == null) {
            synchronized (SHARED_LOCK) {
                c = shared;
                if (c == null) {
                    c = fromSettings(System::getProperty, System::getenv).build();
                    shared = c;
                    Thread.ofVirtual().name("vyre-sha256-load").start(CacheKey::digest);
                }
            }
        }
        return c;
    }

    /** @return a builder of a cache of its own (for tests and tools; backends use {@link #shared()}) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param properties reads a system property by name (null when unset)
     * @param environment reads an environment variable by name (null when unset)
     * @return a builder set from the settings in the class description
     * @throws VyreArgumentException when a setting is malformed
     */
    static Builder fromSettings(Function<String, String> properties, Function<String, String> environment) {
        Builder b = builder();
        String enabled = setting(properties, environment, ENABLED_PROPERTY, "VYRE_CACHE");
        if (enabled != null) {
            switch (enabled.trim().toLowerCase(Locale.ROOT)) {
                case "off", "false", "none" -> b.enabled(false);
                case "on", "true", "" -> b.enabled(true);
                default -> throw new VyreArgumentException(ENABLED_PROPERTY, "is '" + enabled + "'",
                        "set it to on or off");
            }
        }
        String dir = setting(properties, environment, DIR_PROPERTY, "VYRE_CACHE_DIR");
        if (dir != null && !dir.isBlank()) {
            b.directory("none".equals(dir.trim()) ? null : Path.of(dir.trim()));
        } else {
            b.directory(defaultDirectory(environment.apply("XDG_CACHE_HOME"), properties.apply("user.home")));
        }
        String max = setting(properties, environment, MAX_BYTES_PROPERTY, "VYRE_CACHE_MAX_BYTES");
        if (max != null) {
            b.diskMaxBytes(bytes(MAX_BYTES_PROPERTY, max));
        }
        String entries = setting(properties, environment, MEMORY_ENTRIES_PROPERTY, "VYRE_CACHE_MEMORY_ENTRIES");
        if (entries != null) {
            long n = bytes(MEMORY_ENTRIES_PROPERTY, entries);
            if (n > Integer.MAX_VALUE) {
                throw new VyreArgumentException(MEMORY_ENTRIES_PROPERTY, "is " + n + ", above " + Integer.MAX_VALUE,
                        "use a smaller entry budget");
            }
            b.memoryEntries((int) n);
        }
        String memoryBytes = setting(properties, environment, MEMORY_BYTES_PROPERTY, "VYRE_CACHE_MEMORY_BYTES");
        if (memoryBytes != null) {
            b.memoryBytes(bytes(MEMORY_BYTES_PROPERTY, memoryBytes));
        }
        return b;
    }

    private static String setting(Function<String, String> properties, Function<String, String> environment,
                                  String property, String variable) {
        String value = properties.apply(property);
        return value != null ? value : environment.apply(variable);
    }

    /** @return {@code $XDG_CACHE_HOME/vyre/compile} (an absolute XDG path only), else {@code ~/.cache/vyre/compile}, else null */
    static Path defaultDirectory(String xdgCacheHome, String userHome) {
        if (xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()) {
            return Path.of(xdgCacheHome, "vyre", "compile");
        }
        if (userHome != null && !userHome.isBlank() && !"?".equals(userHome)) {
            return Path.of(userHome, ".cache", "vyre", "compile");
        }
        return null;
    }

    /** @return {@code text} as a count: digits with an optional k, m or g (binary) suffix */
    static long bytes(String name, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                default -> { }
            }
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n < 0 || n > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new VyreArgumentException(name, "is '" + text + "', not a non-negative size",
                    "pass digits with an optional k, m or g suffix, e.g. 512m");
        }
    }

    // ------------------------------------------------------------------ lookups

    /**
     * Returns the artifact of {@code key}: from memory, else from disk (then kept in memory), else made by
     * {@code compiler} and stored in both. Concurrent calls for one key in this process run the compiler
     * once; the others wait for its result.
     *
     * @param compiler makes the artifact; must return the same bytes for the same key (its exceptions
     *                 reach the caller unchanged and nothing is stored)
     * @return the artifact (a copy the caller may keep); one larger than {@link #MAX_ARTIFACT_BYTES} is
     *         returned but not stored
     * @throws IllegalStateException when {@code compiler} returns null
     */
    public byte[] getOrCompile(CacheKey key, Supplier<byte[]> compiler) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(compiler, "compiler");
        byte[] found = lookup(key);
        if (found != null) {
            return found;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> running = compiling.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join().clone();
            } catch (CompletionException e) {
                // the other thread's compiler failed: the same exception, as if this call had compiled
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        try {
            byte[] stored = memory.get(key); // a compile that finished between the lookup and the claim
            byte[] artifact = stored != null ? stored : compile(key, compiler);
            mine.complete(artifact);
            return artifact.clone();
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            compiling.remove(key, mine);
        }
    }

    private byte[] compile(CacheKey key, Supplier<byte[]> compiler) {
        long start = System.nanoTime();
        byte[] artifact = compiler.get();
        counters.compileNanos.addAndGet(System.nanoTime() - start);
        counters.compiles.incrementAndGet();
        if (artifact == null) {
            throw new IllegalStateException("the compiler for " + key + " returned null. Fix: return the artifact's bytes"
                    + " (report this to the backend's author)");
        }
        artifact = artifact.clone();
        store(key, artifact);
        return artifact;
    }

    /**
     * @return the artifact of {@code key} (a copy), from memory or disk, or empty
     */
    public Optional<byte[]> get(CacheKey key) {
        byte[] found = lookup(Objects.requireNonNull(key, "key"));
        return Optional.ofNullable(found);
    }

    /** Counts one lookup; @return a copy of the artifact, or null */
    private byte[] lookup(CacheKey key) {
        counters.lookups.incrementAndGet();
        if (enabled) {
            byte[] inMemory = memory.get(key);
            if (inMemory != null) {
                counters.memoryHits.incrementAndGet();
                return hit(inMemory.clone());
            }
            byte[] onDisk = disk == null ? null : disk.get(key);
            if (onDisk != null) {
                counters.diskHits.incrementAndGet();
                memory.put(key, onDisk.clone());
                return hit(onDisk);
            }
        }
        counters.misses.incrementAndGet();
        return null;
    }

    private byte[] hit(byte[] artifact) {
        counters.hits.incrementAndGet();
        counters.bytesServed.addAndGet(artifact.length);
        return artifact;
    }

    /**
     * Stores {@code artifact} (a copy) under {@code key} in memory and on disk, replacing an older one.
     * Best effort: an artifact over a budget or a failed write is counted as rejected, never thrown.
     */
    public void put(CacheKey key, byte[] artifact) {
        Objects.requireNonNull(key, "key");
        store(key, Objects.requireNonNull(artifact, "artifact").clone());
    }

    private void store(CacheKey key, byte[] artifact) {
        if (!enabled || artifact.length > MAX_ARTIFACT_BYTES) {
            counters.rejected.incrementAndGet();
            return;
        }
        counters.puts.incrementAndGet();
        counters.bytesStored.addAndGet(artifact.length);
        if (!memory.put(key, artifact)) {
            counters.rejected.incrementAndGet();
        }
        if (disk != null) {
            disk.put(key, artifact);
        }
    }

    // ------------------------------------------------------------------ state

    /** @return the counters so far */
    public CacheMetrics metrics() {
        Counters c = counters;
        return new CacheMetrics(c.lookups.get(), c.hits.get(), c.misses.get(), c.memoryHits.get(), c.diskHits.get(),
                c.compiles.get(), c.compileNanos.get(), c.puts.get(), c.diskWrites.get(), c.rejected.get(),
                memory.evictions() + c.diskEvictions.get(), c.refusedFiles.get(), c.bytesServed.get(),
                c.bytesStored.get(), memory.entries(), memory.bytes());
    }

    /** @return the disk store's directory, or empty when artifacts stay in memory (or the cache is off) */
    public Optional<Path> directory() {
        return disk == null ? Optional.empty() : Optional.of(disk.dir());
    }

    /** @return false when the cache is off (every lookup misses) */
    public boolean enabled() {
        return enabled;
    }

    /** @return where {@code key}'s artifact is (or would be) on disk, or empty without a disk store */
    public Optional<Path> file(CacheKey key) {
        return disk == null ? Optional.empty() : Optional.of(disk.file(Objects.requireNonNull(key, "key")));
    }

    @Override
    public String toString() {
        return "CompileCache[" + (enabled ? "memory " + memory.entries() + " entries, disk "
                + directory().map(Path::toString).orElse("none") : "off") + "]";
    }

    /** Settings of a cache of its own; every setting starts at the default of {@link #shared()}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    public static final class Builder {
        private boolean enabled = true;
        private int memoryEntries = 64;
        private long memoryBytes = 64L << 20;
        private Path directory;
        private long diskMaxBytes = 512L << 20;
        private System.Logger logger = System.getLogger(LOGGER);

        private Builder() {
        }

        /** Turns the cache off (every lookup misses, nothing is stored) or on. */
        public Builder enabled(boolean on) {
            this.enabled = on;
            return this;
        }

        /** @param entries the memory store's entry budget; 0 keeps nothing in memory */
        public Builder memoryEntries(int entries) {
            if (entries < 0) {
                throw new VyreArgumentException("entries", "is " + entries, "pass 0 or more");
            }
            this.memoryEntries = entries;
            return this;
        }

        /** @param bytes the memory store's byte budget; an artifact larger than it is not kept in memory */
        public Builder memoryBytes(long bytes) {
            if (bytes < 0) {
                throw new VyreArgumentException("bytes", "is " + bytes, "pass 0 or more");
            }
            this.memoryBytes = bytes;
            return this;
        }

        /** @param dir the disk store's directory (made on the first write), or null for memory only */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** @param bytes the disk store's size cap; the least recently used files are deleted past it */
        public Builder diskMaxBytes(long bytes) {
            if (bytes < 0) {
                throw new VyreArgumentException("bytes", "is " + bytes, "pass 0 or more");
            }
            this.diskMaxBytes = bytes;
            return this;
        }

        /** @param logger where refused files and write failures are reported (default {@value CompileCache#LOGGER}) */
        public Builder logger(System.Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /** @return the cache */
        public CompileCache build() {
            return new CompileCache(this);
        }
    }
}
