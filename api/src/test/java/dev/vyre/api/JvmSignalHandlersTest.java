package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * A provider that replaces one of the JVM's signal handlers (as libLLVM does when a Mesa or pocl driver loads)
 * gets it put back. SIGHUP stands in for SIGSEGV: replacing the JVM's SIGSEGV handler even for a moment could
 * kill the test JVM at an implicit null check in another thread.
 */
class JvmSignalHandlersTest {

    private static final int SIGHUP = 1;
    private static final long SIG_IGN = 1;

    /** Sets SIGHUP to SIG_IGN, as a driver's library would set its own handler. */
    private static void replaceSighup() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ignore = arena.allocate(JvmSignalHandlers.SIGACTION_BYTES, 16);
            ignore.set(ValueLayout.JAVA_LONG, 0, SIG_IGN);
            JvmSignalHandlers.install(SIGHUP, ignore);
        }
    }

    @Test
    void aHandlerReplacedDuringTheCallIsPutBack() {
        assumeTrue(JvmSignalHandlers.available(), "no sigaction here (not Linux)");
        long jvm = JvmSignalHandlers.handler(SIGHUP);
        assertNotEquals(SIG_IGN, jvm, "the JVM installs a SIGHUP handler for shutdown hooks");
        String result = JvmSignalHandlers.guard("a test call", () -> {
            replaceSighup();
            assertEquals(SIG_IGN, JvmSignalHandlers.handler(SIGHUP), "the replacement did not take");
            return "ran";
        });
        assertEquals("ran", result);
        assertEquals(jvm, JvmSignalHandlers.handler(SIGHUP));
    }

    @Test
    void aThrowingCallStillGetsItsReplacementUndone() {
        assumeTrue(JvmSignalHandlers.available(), "no sigaction here (not Linux)");
        long jvm = JvmSignalHandlers.handler(SIGHUP);
        assertThrows(IllegalStateException.class, () -> JvmSignalHandlers.guard("a failing call", () -> {
            replaceSighup();
            throw new IllegalStateException("driver failed. Fix: none, a test");
        }));
        assertEquals(jvm, JvmSignalHandlers.handler(SIGHUP));
    }

    @Test
    void describingAProviderWhoseProbeReplacesAHandlerKeepsTheJvms() {
        assumeTrue(JvmSignalHandlers.available(), "no sigaction here (not Linux)");
        long jvm = JvmSignalHandlers.handler(SIGHUP);
        BackendProvider provider = new BackendProvider() {
            @Override
            public String name() {
                return "llvm-like";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public Probe probe() {
                replaceSighup();
                return Probe.unavailable("a test provider. Fix: none");
            }

            @Override
            public Backend open() {
                throw new UnsupportedOperationException("a test provider opens nothing. Fix: none");
            }
        };
        BackendInfo info = Vyre.describe(provider);
        assertFalse(info.available());
        assertEquals(jvm, JvmSignalHandlers.handler(SIGHUP), "the probe's handler stayed installed");
    }

    @Test
    void aCallThatStartsWhileAnotherHasReplacedAHandlerDoesNotPutTheReplacementBack() throws Exception {
        assumeTrue(JvmSignalHandlers.available(), "no sigaction here (not Linux)");
        long jvm = JvmSignalHandlers.handler(SIGHUP);
        java.util.concurrent.CountDownLatch replaced = new java.util.concurrent.CountDownLatch(1);
        Thread first = Thread.ofPlatform().start(() -> JvmSignalHandlers.guard("the first call", () -> {
            replaceSighup();
            replaced.countDown();
            try {
                Thread.sleep(200); // the second call starts meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        replaced.await();
        // the second call lasts until the first has ended (and restored); unguarded, it snapshots SIG_IGN first
        // and then puts it back
        JvmSignalHandlers.guard("the second call", () -> {
            try {
                first.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        assertEquals(jvm, JvmSignalHandlers.handler(SIGHUP), "the first call's replacement came back");
    }
}
