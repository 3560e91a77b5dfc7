package dev.vyre.spi.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache as a backend uses it: memory over disk, compile on a miss, metrics. */
class CompileCacheTest {

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();

    private CompileCache cache() {
        return CompileCache.builder().directory(dir).logger(log).build();
    }

    static CacheKey key(String source, String backend) {
        return new CacheKey(CacheKey.sha256(source), backend, "device 0", "compiler 1.0");
    }

    static byte[] artifact(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMissCompilesOnceThenMemoryThenDiskServeIt() {
        CacheKey key = key("kernel A", "cuda");
        AtomicInteger compiles = new AtomicInteger();
        CompileCache first = cache();
        byte[] a = first.getOrCompile(key, () -> {
            compiles.incrementAndGet();
            return artifact("PTX of A");
        });
        byte[] b = first.getOrCompile(key, () -> {
            compiles.incrementAndGet();
            return artifact("never");
        });
        assertArrayEquals(artifact("PTX of A"), a);
        assertArrayEquals(a, b);
        assertEquals(1, compiles.get());
        CacheMetrics m = first.metrics();
        assertEquals(2, m.lookups());
        assertEquals(1, m.hits());
        assertEquals(1, m.misses());
        assertEquals(1, m.memoryHits());
        assertEquals(0, m.diskHits());
        assertEquals(1, m.compiles());
        assertEquals(1, m.puts());
        assertEquals(1, m.diskWrites());
        assertEquals(8, m.bytesServed());
        assertEquals(8, m.bytesStored());
        assertEquals(1, m.memoryEntries());
        assertEquals(8, m.memoryBytes());

        // a new process: an empty memory store over the same directory
        CompileCache second = cache();
        byte[] c = second.getOrCompile(key, () -> {
            compiles.incrementAndGet();
            return artifact("never");
        });
        assertArrayEquals(a, c);
        assertEquals(1, compiles.get());
        CacheMetrics m2 = second.metrics();
        assertEquals(1, m2.diskHits());
        assertEquals(0, m2.compiles());
        assertEquals(1, m2.memoryEntries(), "a disk hit is kept in memory");
        second.getOrCompile(key, () -> artifact("never"));
        assertEquals(1, second.metrics().memoryHits());
        assertEquals(List.of(), log.lines);
    }

    @Test
    void artifactsAreCopiedInAndOut() {
        CompileCache cache = cache();
        CacheKey key = key("copy", "vulkan");
        byte[] given = artifact("abc");
        cache.put(key, given);
        given[0] = 'X';
        byte[] out = cache.get(key).orElseThrow();
        out[1] = 'Y';
        assertArrayEquals(artifact("abc"), cache.get(key).orElseThrow());
    }

    @Test
    void theBackendIsPartOfTheKey() throws Exception {
        CompileCache cache = cache();
        String source = "the same source text";
        cache.put(key(source, "cuda"), artifact("PTX"));
        assertTrue(cache.get(key(source, "vulkan")).isEmpty(), "a CUDA artifact is never served to Vulkan");
        byte[] spirv = cache.getOrCompile(key(source, "vulkan"), () -> artifact("SPIR-V"));
        assertArrayEquals(artifact("SPIR-V"), spirv);
        assertArrayEquals(artifact("PTX"), cache.get(key(source, "cuda")).orElseThrow());
        assertArrayEquals(artifact("SPIR-V"), cache.get(key(source, "vulkan")).orElseThrow());

        // a CUDA file copied over the Vulkan file's name is refused: each file names its key
        Path cudaFile = cache.file(key(source, "cuda")).orElseThrow();
        Path vulkanFile = cache.file(key(source, "vulkan")).orElseThrow();
        Files.copy(cudaFile, vulkanFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CompileCache fresh = cache();
        assertTrue(fresh.get(key(source, "vulkan")).isEmpty());
        assertEquals(1, fresh.metrics().refusedFiles());
        assertEquals(1, log.lines.size());
        assertTrue(log.lines.getFirst().message().contains("holds the artifact of another key"), log.lines.toString());
    }

    @Test
    void theMemoryStoreKeepsItsEntryBudget() {
        CompileCache cache = CompileCache.builder().directory(null).memoryEntries(2).logger(log).build();
        for (int i = 0; i < 3; i++) {
            int n = i;
            cache.getOrCompile(key("k" + i, "cuda"), () -> artifact("artifact " + n));
        }
        assertTrue(cache.get(key("k0", "cuda")).isEmpty(), "the least recently used entry was evicted");
        assertTrue(cache.get(key("k2", "cuda")).isPresent());
        CacheMetrics m = cache.metrics();
        assertEquals(2, m.memoryEntries());
        assertEquals(1, m.evictions());
        assertTrue(cache.directory().isEmpty());
    }

    @Test
    void theMemoryStoreKeepsItsByteBudgetAndTheDiskStillServesWhatItDropped() {
        CompileCache cache = CompileCache.builder().directory(dir).memoryBytes(100).logger(log).build();
        cache.put(key("big", "cuda"), new byte[101]);
        assertEquals(0, cache.metrics().memoryEntries());
        assertEquals(1, cache.metrics().rejected(), "not kept in memory");
        assertEquals(101, cache.get(key("big", "cuda")).orElseThrow().length, "served from disk");
        assertEquals(1, cache.metrics().diskHits());
    }

    @Test
    void concurrentCallersOfOneKeyCompileOnce() throws Exception {
        CompileCache cache = cache();
        CacheKey key = key("contended", "vulkan");
        AtomicInteger compiles = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> cache.getOrCompile(key, () -> {
                    compiles.incrementAndGet();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return artifact("once");
                })));
            }
            Thread.sleep(200);
            release.countDown();
            for (Future<byte[]> f : results) {
                assertArrayEquals(artifact("once"), f.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, compiles.get());
        assertEquals(1, cache.metrics().compiles());
        assertEquals(8, cache.metrics().lookups());
    }

    @Test
    void aCompilerFailureReachesTheCallerAndNothingIsStored() {
        CompileCache cache = cache();
        CacheKey key = key("broken", "cuda");
        IllegalStateException boom = new IllegalStateException("compile error. Fix: fix the source");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> cache.getOrCompile(key, () -> {
            throw boom;
        })));
        assertTrue(cache.get(key).isEmpty());
        assertEquals(0, cache.metrics().puts());
        assertArrayEquals(artifact("ok"), cache.getOrCompile(key, () -> artifact("ok")));
        assertThrows(IllegalStateException.class, () -> cache.getOrCompile(key("null", "cuda"), () -> null));
    }

    @Test
    void aCacheThatIsOffCompilesEveryTime() throws Exception {
        CompileCache off = CompileCache.builder().enabled(false).directory(dir).logger(log).build();
        AtomicInteger compiles = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            off.getOrCompile(key("k", "cuda"), () -> artifact("a" + compiles.incrementAndGet()));
        }
        assertEquals(3, compiles.get());
        assertEquals(3, off.metrics().misses());
        assertFalse(off.enabled());
        assertTrue(off.directory().isEmpty());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void anUnwritableDirectoryKeepsArtifactsInMemoryAndLogsOnce() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        CompileCache cache = CompileCache.builder().directory(notADirectory.resolve("sub")).logger(log).build();
        cache.getOrCompile(key("a", "cuda"), () -> artifact("A"));
        cache.getOrCompile(key("b", "cuda"), () -> artifact("B"));
        assertArrayEquals(artifact("A"), cache.get(key("a", "cuda")).orElseThrow());
        assertEquals(2, cache.metrics().rejected());
        assertEquals(1, log.lines.size(), log.lines.toString());
        String line = log.lines.getFirst().message();
        assertTrue(line.contains("cannot write") && line.contains("Fix: "), line);
    }
}
