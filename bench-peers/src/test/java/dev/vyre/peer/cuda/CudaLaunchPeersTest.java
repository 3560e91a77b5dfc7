package dev.vyre.peer.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.peer.LaunchPeers;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CUDA peers: found by backend name, and either measured and verified (on a machine with a GPU) or
 * unavailable with a one-line reason and nothing thrown (without one).
 */
class CudaLaunchPeersTest {

    private static final Path SOURCE = Path.of("src/main/cuda/vyre_peer.cu");
    private static final Path SHIPPED = Path.of("src/main/resources/dev/vyre/peer/cuda/vyre_peer.ptx");

    @Test
    void theServiceLoaderFindsTheCudaPeersByBackendName() {
        List<LaunchPeers> cuda = LaunchPeers.forBackend("cuda");
        assertEquals(1, cuda.size());
        assertInstanceOf(CudaLaunchPeers.class, cuda.getFirst());
        assertEquals(List.of(CudaLaunchPeers.LAUNCH, CudaLaunchPeers.GRAPH), cuda.getFirst().peers());
        assertTrue(LaunchPeers.forBackend("reference").isEmpty());
    }

    @Test
    void measuredAndVerifiedWithAGpuElseUnavailableWithAReason() {
        try (CudaLaunchPeers peers = new CudaLaunchPeers()) {
            String why = peers.open();
            if (why == null) { // a machine with a GPU: both peers run and every operation checks
                for (LaunchPeers.Peer peer : peers.peers()) {
                    List<Long> samples = new ArrayList<>();
                    LaunchPeers.Measurement m = peers.measure(peer, Duration.ofMillis(20), Duration.ofMillis(100),
                            samples::add);
                    assertNull(m.failure(), peer + ": " + m.failure());
                    assertTrue(m.operations() > 0 && m.operations() == samples.size(), peer + ": " + m);
                    assertEquals(samples.stream().mapToLong(Long::longValue).sum(), m.nanos());
                }
            } else {
                assertFalse(why.isBlank() || why.contains("\n"), why);
                assertThrows(IllegalStateException.class, () -> peers.measure(CudaLaunchPeers.LAUNCH, Duration.ZERO,
                        Duration.ofMillis(1), t -> { }));
            }
        }
    }

    @Test
    void closingTwiceOrWithoutOpeningIsHarmless() {
        CudaLaunchPeers peers = new CudaLaunchPeers();
        peers.close();
        peers.close();
    }

    @Test
    void theKernelUsesTheProtocolsConstants() throws Exception {
        String source = Files.readString(SOURCE);
        Map<String, Integer> expected = Map.of("VYRE_PUBLISHED", SlotStatus.PUBLISHED, "VYRE_CLAIMED",
                SlotStatus.CLAIMED, "VYRE_DONE", SlotStatus.DONE, "VYRE_OP_ATOMIC_ADD", Opcodes.ATOMIC_ADD,
                "VYRE_DONE_COUNT", ControlLayout.DONE_COUNT, "VYRE_METRICS_BASE", ControlLayout.METRICS_BASE,
                "VYRE_METRIC_OPCODES", Opcodes.METRIC_OPCODES);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Matcher m = Pattern.compile("#define " + e.getKey() + " (\\d+)u").matcher(source);
            assertTrue(m.find(), e.getKey() + " is defined in " + SOURCE);
            assertEquals(e.getValue().intValue(), Integer.parseInt(m.group(1)), e.getKey());
        }
    }

    @Test
    void shippedPtxMatchesTheSource() throws Exception {
        assumeTrue(nvccAvailable(), "nvcc is not on the PATH: cannot recompile the kernel to compare");
        Path fresh = Files.createTempFile("vyre-peer", ".ptx");
        try {
            Process p = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_75", "-o", fresh.toString(), SOURCE.toString())
                    .inheritIO().start();
            assertEquals(0, p.waitFor(), "nvcc failed on " + SOURCE);
            assertEquals(Files.readString(fresh), Files.readString(SHIPPED),
                    "the committed PTX is stale: rebuild bench-peers with nvcc on the PATH and commit the PTX");
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    private static boolean nvccAvailable() {
        try {
            Process p = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
