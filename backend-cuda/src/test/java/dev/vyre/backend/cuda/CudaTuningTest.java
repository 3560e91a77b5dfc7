package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vyre.cuda.variant} passes exactly the kernel's VYRE_VARIANT_* bits, the trace bit only by its own property. */
class CudaTuningTest {

    private static final Path SOURCE = Path.of("src/main/cuda/vyre_megakernel.cu");
    private static final Pattern VARIANT = Pattern.compile("#define VYRE_VARIANT_(\\w+) (\\d+)ull");
    private static final long TRACE = 32;

    @AfterEach
    void clearProperties() {
        System.clearProperty("vyre.cuda.variant");
        System.clearProperty("vyre.cuda.trace");
    }

    @Test
    void everyKernelVariantBitPassesAndNothingElse() throws Exception {
        long kernelBits = 0;
        int defines = 0;
        Matcher m = VARIANT.matcher(Files.readString(SOURCE));
        while (m.find()) {
            long bit = Long.parseLong(m.group(2));
            assertEquals(1, Long.bitCount(bit), "VYRE_VARIANT_" + m.group(1) + " is not one bit");
            assertEquals(0, kernelBits & bit, "VYRE_VARIANT_" + m.group(1) + " reuses a bit");
            kernelBits |= bit;
            defines++;
        }
        assertTrue(defines >= 11, "found only " + defines + " VYRE_VARIANT_ defines in " + SOURCE);
        assertTrue((kernelBits & TRACE) != 0, "the kernel has no trace bit");

        System.setProperty("vyre.cuda.variant", Long.toString(-1L));
        assertEquals(kernelBits & ~TRACE, CudaTuning.variant(), "bits the kernel does not know, or known bits dropped");
        System.setProperty("vyre.cuda.trace", "true");
        assertEquals(kernelBits, CudaTuning.variant());
        System.setProperty("vyre.cuda.variant", "1536");
        assertEquals(1536 | TRACE, CudaTuning.variant());
    }

    @Test
    void noPropertyMeansTheDefaults() {
        assertEquals(0, CudaTuning.variant());
    }
}
