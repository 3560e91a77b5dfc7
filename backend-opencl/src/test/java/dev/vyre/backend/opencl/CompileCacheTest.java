package dev.vyre.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwjgl.opencl.CL10.clReleaseKernel;

import dev.vyre.spi.cache.CacheKey;
import dev.vyre.spi.cache.CompileCache;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Program binaries go through the shared compile cache; a binary the driver refuses is compiled again. */
class CompileCacheTest {

    @Test
    void aWarmBuildComesFromTheCacheAndABadBinaryIsReplaced() {
        try (OpenClBackend backend = OpenClTesting.backendOrSkip()) {
            OpenClDevice device = backend.openClDevice();
            // a source no other test compiles, so the first build is a miss
            String source = KernelSource.interpreter() + "\n// CompileCacheTest " + System.nanoTime() + "\n";
            CacheKey key = ClProgram.cacheKey(device, source);
            CompileCache cache = CompileCache.shared();
            assertFalse(cache.get(key).isPresent());

            byte[] stored;
            try (ClProgram first = ClProgram.build(device, source)) {
                clReleaseKernel(first.newKernel("vyre_once"));
                stored = cache.get(key).orElseThrow(() -> new AssertionError("the binary was not stored"));
                assertArrayEquals(first.binary(), stored);
            }
            long hits = cache.metrics().hits();
            try (ClProgram warm = ClProgram.build(device, source)) {
                clReleaseKernel(warm.newKernel("vyre_persistent"));
            }
            assertEquals(hits + 1, cache.metrics().hits(), "the warm build did not use the cached binary");

            byte[] garbage = "not an OpenCL program binary".getBytes(StandardCharsets.US_ASCII);
            cache.put(key, garbage);
            try (ClProgram rebuilt = ClProgram.build(device, source)) {
                clReleaseKernel(rebuilt.newKernel("vyre_handshake"));
            }
            byte[] now = cache.get(key).orElseThrow();
            assertFalse(java.util.Arrays.equals(garbage, now), "the refused binary was not replaced");
            assertTrue(now.length > 0);
        }
    }

    @Test
    void aSourceLargerThanLwjglsThreadStackBuilds() {
        try (OpenClBackend backend = OpenClTesting.backendOrSkip()) {
            // IR-compiled custom opcodes outgrow LWJGL's 64 KiB per-thread stack: the source must not be
            // encoded there (the Vulkan backend's shaderc call did, and failed on the H100)
            StringBuilder source = new StringBuilder(KernelSource.interpreter());
            for (int i = 0; source.length() < 256 * 1024; i++) {
                source.append("// generated line ").append(i).append(" of a long IR lowering, kept as a comment\n");
            }
            try (ClProgram big = ClProgram.fromSource(backend.openClDevice(), source.toString())) {
                clReleaseKernel(big.newKernel("vyre_once"));
            }
        }
    }
}
