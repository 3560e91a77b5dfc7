package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.cache.CacheKey;
import dev.vyre.spi.cache.CompileCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NVRTC output goes through the compile cache under a key that names the CUDA backend, the device's
 * architecture and the NVRTC version. The compile test needs NVRTC only (no GPU) and is skipped without it.
 */
class CudaCompileCacheTest {

    private static final CustomOpcodes OPS = CustomOpcodes.of(CustomOpcode.of(0x1234)
            .text("cuda-c", "vyre_store_control(ctx, 170, ctx.a0);").build());

    @TempDir
    Path dir;

    @Test
    void theKeyNamesTheBackendTheArchitectureAndTheNvrtcVersion() {
        String source = MegakernelModule.customSource(OPS);
        CacheKey cubin = MegakernelModule.key(source, MegakernelModule.options(90, true), 90, "12.8");
        assertEquals("cuda", cubin.backend());
        assertEquals("sm_90", cubin.device());
        assertEquals("nvrtc 12.8", cubin.compiler());
        assertEquals(CacheKey.sha256(source, "--gpu-architecture=sm_90\n--std=c++17\n-default-device"),
                cubin.fingerprint());
        assertNotEquals(cubin.fingerprint(),
                MegakernelModule.key(source, MegakernelModule.options(90, false), 90, "12.8").fingerprint(),
                "CUBIN and PTX are different artifacts");
        assertNotEquals(cubin.id(), MegakernelModule.key(source, MegakernelModule.options(80, true), 80, "12.8").id());
        assertNotEquals(cubin.id(), MegakernelModule.key(source, MegakernelModule.options(90, true), 90, "13.0").id());
        String other = MegakernelModule.customSource(CustomOpcodes.of(CustomOpcode.of(0x1234)
                .text("cuda-c", "vyre_store_control(ctx, 171, ctx.a0);").build()));
        assertNotEquals(cubin.fingerprint(),
                MegakernelModule.key(other, MegakernelModule.options(90, true), 90, "12.8").fingerprint());
    }

    @Test
    void nvrtcRunsOncePerKeyAndAWarmStartRunsItNot() {
        Nvrtc nvrtc;
        try {
            nvrtc = Nvrtc.shared();
        } catch (BackendException e) {
            assumeTrue(false, "NVRTC is not installed: " + e.getMessage());
            return;
        }
        String source = MegakernelModule.customSource(OPS);
        boolean cubin = nvrtc.emitsCubin();
        CompileCache cache = CompileCache.builder().directory(dir).build();
        long before = Nvrtc.compilations();
        byte[] first = MegakernelModule.compiled(cache, nvrtc, source, 90, cubin);
        byte[] second = MegakernelModule.compiled(cache, nvrtc, source, 90, cubin);
        assertEquals(1, Nvrtc.compilations() - before);
        assertArrayEquals(first, second);
        if (cubin) {
            assertEquals("\u007fELF", new String(first, 0, 4, StandardCharsets.ISO_8859_1), "a CUBIN is an ELF image");
        } else {
            assertTrue(new String(first, StandardCharsets.US_ASCII).contains(".target sm_90"));
        }
        CompileCache warm = CompileCache.builder().directory(dir).build();
        assertArrayEquals(first, MegakernelModule.compiled(warm, nvrtc, source, 90, cubin));
        assertEquals(1, Nvrtc.compilations() - before, "the warm cache compiles nothing");
        assertEquals(1, warm.metrics().diskHits());
    }
}
