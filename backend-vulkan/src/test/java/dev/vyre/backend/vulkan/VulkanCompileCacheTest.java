package dev.vyre.backend.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Megakernel;
import dev.vyre.api.Vyre;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Programs;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import dev.vyre.spi.cache.CacheMetrics;
import dev.vyre.spi.cache.CompileCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vulkan backend's SPIR-V goes through the compile cache: registering the same IR opcode again, in
 * this backend or in a new backend over the same cache directory (a new process), runs no shaderc
 * compile, and the opcode still computes the right result. Runs on the device the probe finds
 * (lavapipe in CI).
 */
class VulkanCompileCacheTest {

    private static final int IR_CRC32C = 0x2001;
    private static final int DATA_BYTES = 300;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsADevice() {
        Probe probe = new VulkanBackendProvider().probe();
        Assumptions.assumeTrue(probe.available(), probe::reason);
    }

    private VulkanBackend opened;

    /** Opens the Vulkan backend over a given compile cache (and keeps it in {@link #opened}). */
    private BackendProvider over(CompileCache cache) {
        return new BackendProvider() {
            @Override
            public String name() {
                return "vulkan";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public Probe probe() {
                return new VulkanBackendProvider().probe();
            }

            @Override
            public Backend open() {
                opened = new VulkanBackend(VulkanDevice.open(false), cache);
                return opened;
            }
        };
    }

    /** Registers a fresh IR CRC-32C opcode in a one-pass dispatch and checks its result. */
    private static void registerAndRun(Vyre vyre, byte[] data) {
        byte[] control = Megakernel.encodeControl(false, 1, 16);
        byte[] ring = Megakernel.encodeEmptyRing(1);
        ByteBuffer r = ByteBuffer.wrap(ring).order(ByteOrder.LITTLE_ENDIAN);
        int[] words = {SlotStatus.PUBLISHED, IR_CRC32C, 0, Priority.NORMAL, 3, DATA_BYTES - 10, 0};
        for (int w = 0; w < words.length; w++) {
            r.putInt((int) Megakernel.slotWordIndex(0, w) * 4, words[w]);
        }
        DispatchRequest request = DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64)).withData(data)
                .withOpcodes(CustomOpcodes.of(IrOpcodes.irOpcode(IR_CRC32C, Programs.crc32c(DATA_BYTES))));
        DispatchResult result = vyre.dispatch(request);
        CRC32C expected = new CRC32C();
        expected.update(data, 3, DATA_BYTES - 10);
        ByteBuffer c = ByteBuffer.wrap(result.control()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((int) expected.getValue(), c.getInt(160 * 4), "CRC-32C of the IR opcode");
        assertEquals(SlotStatus.DONE, ByteBuffer.wrap(result.ring()).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void aSecondRegistrationOfTheSameIrOpcodeCompilesNothing() throws Exception {
        byte[] data = new byte[DATA_BYTES];
        new Random(7).nextBytes(data);
        CompileCache cache = CompileCache.builder().directory(dir).build();
        try (Vyre vyre = Vyre.open(over(cache))) {
            long shaderc = ShaderCompiler.compilations();
            registerAndRun(vyre, data);
            assertEquals(1, ShaderCompiler.compilations() - shaderc, "the first registration compiles its variant");
            assertEquals(1, cache.metrics().compiles());

            assertEquals(1, opened.customKernels());

            long afterFirst = ShaderCompiler.compilations();
            long lookups = cache.metrics().lookups();
            registerAndRun(vyre, data); // a new CustomOpcode of the same program
            registerAndRun(vyre, data);
            assertEquals(afterFirst, ShaderCompiler.compilations(), "registering it again compiles nothing");
            CacheMetrics m = cache.metrics();
            assertEquals(1, m.compiles());
            assertEquals(lookups, m.lookups(), "the backend reuses its pipeline: not even a SPIR-V lookup");
            assertEquals(1, opened.customKernels(), "one pipeline for the one program");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("vulkan-")), "the SPIR-V is on disk");
        }

        // a new backend over the same cache: the memory store serves the SPIR-V
        try (Vyre vyre = Vyre.open(over(cache))) {
            long shaderc = ShaderCompiler.compilations();
            registerAndRun(vyre, data);
            assertEquals(shaderc, ShaderCompiler.compilations());
            assertTrue(cache.metrics().memoryHits() >= 1, cache.metrics().toString());
        }

        // a new backend over a new cache on the same directory: what a new process sees
        CompileCache fresh = CompileCache.builder().directory(dir).build();
        try (Vyre vyre = Vyre.open(over(fresh))) {
            long shaderc = ShaderCompiler.compilations();
            registerAndRun(vyre, data);
            assertEquals(shaderc, ShaderCompiler.compilations(), "a warm start compiles nothing");
            CacheMetrics m = fresh.metrics();
            assertEquals(0, m.compiles());
            assertTrue(m.diskHits() >= 1, m.toString());
            assertEquals(0, m.refusedFiles());
        }
    }

    @Test
    void theBuiltInKernelAndThePipelineCacheBlobShareTheOneCache() throws Exception {
        CompileCache cache = CompileCache.builder().directory(dir).build();
        byte[] control = Megakernel.encodeControl(false, 1, 16);
        byte[] ring = Megakernel.encodeEmptyRing(1);
        ByteBuffer.wrap(ring).order(ByteOrder.LITTLE_ENDIAN).putInt(0, SlotStatus.PUBLISHED)
                .putInt(4, Opcodes.ATOMIC_ADD).putInt(12, Priority.NORMAL).putInt(16, 5).putInt(20, 161);
        try (Vyre vyre = Vyre.open(over(cache))) {
            DispatchResult r = vyre.dispatch(DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64)));
            assertEquals(5, ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN).getInt(161 * 4));
        }
        assertEquals(1, cache.metrics().compiles(), "the one-pass variant");
        long files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("vulkan-[0-9a-f]{64}\\.bin")).count();
        }
        // the SPIR-V, plus the pipeline-cache blob where the driver has one (lavapipe's may be empty)
        assertTrue(files >= 1 && files <= 2, "files " + files);
        try (Stream<Path> list = Files.list(dir)) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().endsWith(".spv")), "no second cache format");
        }
    }
}
