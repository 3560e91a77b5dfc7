package dev.vyre.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredReleaseTest {

    private final List<String> log = new ArrayList<>();
    private final DeferredRelease releases = new DeferredRelease(() -> log.add("current"));

    private AutoCloseable buffer(String name) {
        return () -> log.add(name);
    }

    @Test
    void withNoKernelRunningAReleaseHappensAtOnce() {
        releases.release(buffer("a"), null, buffer("b"));
        assertEquals(List.of("current", "a", "b"), log);
    }

    @Test
    void whileAnotherSessionsKernelRunsTheFreesWaitForTheLastKernel() {
        releases.kernelLaunched(); // session 0
        releases.kernelLaunched(); // session 1
        // session 0 closes: its buffers must not be freed while session 1's kernel runs
        releases.release(buffer("s0.ring"), buffer("s0.control"));
        releases.kernelFinished();
        assertEquals(List.of(), log);
        assertEquals(2, releases.held());
        // a one-pass buffer grown meanwhile waits too
        releases.release(buffer("once.staging"));
        assertEquals(List.of(), log);
        // session 1 closes: everything goes, in the order asked for
        releases.release(buffer("s1.ring"));
        releases.kernelFinished();
        assertEquals(List.of("current", "s0.ring", "s0.control", "once.staging", "s1.ring"), log);
        assertEquals(0, releases.running());
        assertEquals(0, releases.held());
    }

    @Test
    void aKernelThatNeverFinishesKeepsEverythingHeld() {
        releases.kernelLaunched();
        releases.kernelLaunched();
        releases.release(buffer("x"));
        releases.kernelFinished();
        assertEquals(List.of(), log);
        assertEquals(1, releases.running());
    }

    @Test
    void aFailingCloseDoesNotStopTheOthers() {
        releases.release(() -> {
            throw new IllegalStateException("CUDA_ERROR_DEINITIALIZED");
        }, buffer("after"));
        assertEquals(List.of("current", "after"), log);
    }

    @Test
    void finishingMoreKernelsThanWereLaunchedIsABug() {
        IllegalStateException e = assertThrows(IllegalStateException.class, releases::kernelFinished);
        assertEquals(true, e.getMessage().contains("Fix: "));
    }
}
