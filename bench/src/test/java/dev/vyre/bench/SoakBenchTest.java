package dev.vyre.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The CI soak: 10^7 slots through the reference backend from two publisher threads, every increment
 * exactly once. Throughput decay and memory growth are judged by the long runs on the GPU machine
 * (docs/RELIABILITY.md); here their bounds are loose, since CI shares two cores.
 */
class SoakBenchTest {

    @Test
    void tenMillionSlotsOnTheReferenceBackendLandExactlyOnce() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SoakBench.Result r = new SoakBench("reference", 10_000_000L, 4096, 64, 2, 0.5, 0.9, 1024)
                .run(new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        assertEquals(10_000_000L, r.slots(), out);
        assertTrue(r.exact(), out);
        assertTrue(r.passed(), out);
        assertTrue(out.contains("every increment exactly once: yes"), out);
    }
}
