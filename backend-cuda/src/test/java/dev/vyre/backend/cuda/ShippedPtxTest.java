package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PTX resource in the repository is exactly what nvcc makes of the kernel source. */
class ShippedPtxTest {

    private static final Path SOURCE = Path.of("src/main/cuda/vyre_megakernel.cu");
    private static final Path SHIPPED = Path.of("src/main/resources/dev/vyre/backend/cuda/vyre_megakernel.ptx");

    @Test
    void shippedPtxMatchesTheSource() throws Exception {
        assumeTrue(nvccAvailable(), "nvcc is not on the PATH: cannot recompile the kernel to compare");
        Path fresh = Files.createTempFile("vyre", ".ptx");
        try {
            Process p = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_75", "-o", fresh.toString(), SOURCE.toString())
                    .inheritIO().start();
            assertEquals(0, p.waitFor(), "nvcc failed on " + SOURCE);
            assertEquals(Files.readString(fresh), Files.readString(SHIPPED),
                    "the committed PTX is stale: rebuild backend-cuda with nvcc on the PATH and commit the PTX");
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    /** @return whether {@code nvcc} is on the PATH and runs */
    static boolean nvccAvailable() {
        try {
            Process p = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
