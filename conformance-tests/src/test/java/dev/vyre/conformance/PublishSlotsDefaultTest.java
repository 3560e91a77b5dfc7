package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.spi.Backend;
import dev.vyre.spi.IoRequestView;
import dev.vyre.spi.PersistentSession;
import dev.vyre.spi.SessionOptions;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SPI's default {@code publishSlots} (what a third-party backend inherits) passes the run/* cases,
 * and those cases fail a backend whose {@code publishSlots} loses an image or misreports its count.
 */
class PublishSlotsDefaultTest {

    private static Backend reference;

    @BeforeAll
    static void open() {
        reference = ConformanceRunner.openOracle();
        assertNotNull(reference, "the reference backend is a test dependency of this module");
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    private static List<ConformanceCase> runCases() {
        return ConformanceSuite.standard().cases().stream().filter(c -> c.name().startsWith("run/")).toList();
    }

    @Test
    void theDefaultImplementationPassesTheRunCases() {
        Backend inherits = new SessionBackend(reference, Delegating::new);
        List<ConformanceCase> cases = runCases();
        assertEquals(2, cases.size());
        for (ConformanceCase c : cases) {
            CaseResult result = new ConformanceRunner(reference).runCase(inherits, c);
            assertEquals(CaseStatus.PASSED, result.status(), c.name() + ": " + result.detail());
        }
    }

    @Test
    void aRunThatSkipsItsLastImageFails() {
        Backend lossy = new SessionBackend(reference, s -> new Delegating(s) {
            @Override
            public int publishSlots(int firstSlot, MemorySegment images, int count) {
                return count <= 1 ? super.publishSlots(firstSlot, images, count)
                        : super.publishSlots(firstSlot, images, count - 1) + 1; // claims the last one too
            }
        });
        CaseResult result = new ConformanceRunner(reference).runCase(lossy, busyCase());
        assertEquals(CaseStatus.FAILED, result.status());
        assertTrue(result.detail().contains("published 6"), result.detail());
    }

    private static ConformanceCase busyCase() {
        return runCases().stream().filter(c -> c.name().endsWith("stops_at_busy")).findFirst().orElseThrow();
    }

    @Test
    void aRunThatIgnoresABusySlotFails() {
        Backend pushy = new SessionBackend(reference, s -> new Delegating(s) {
            @Override
            public int publishSlots(int firstSlot, MemorySegment images, int count) {
                int done = super.publishSlots(firstSlot, images, count);
                return done < count ? count : done; // reports the busy tail as published
            }
        });
        CaseResult result = new ConformanceRunner(reference).runCase(pushy, busyCase());
        assertEquals(CaseStatus.FAILED, result.status());
        assertTrue(result.detail().contains("expected 5"), result.detail());
    }

    /** A backend whose sessions are the reference backend's, wrapped. */
    private static final class SessionBackend extends DelegatingBackend {
        private final Function<PersistentSession, PersistentSession> wrap;

        SessionBackend(Backend inner, Function<PersistentSession, PersistentSession> wrap) {
            super(inner, "wrapped");
            this.wrap = wrap;
        }

        @Override
        public PersistentSession openSession(SessionOptions options) {
            return wrap.apply(inner.openSession(options));
        }
    }

    /** Delegates every abstract method and leaves {@code publishSlots} to the SPI default. */
    private static class Delegating implements PersistentSession {
        private final PersistentSession s;

        Delegating(PersistentSession s) {
            this.s = s;
        }

        @Override public SessionOptions options() { return s.options(); }
        @Override public void publish(int slot, int tenant, int opcode, int a0, int a1, int a2) {
            s.publish(slot, tenant, opcode, a0, a1, a2);
        }
        @Override public void publish(int slot, int tenant, int opcode, int[] args, int argCount) {
            s.publish(slot, tenant, opcode, args, argCount);
        }
        @Override public void writeRawSlot(int slot, int[] words) { s.writeRawSlot(slot, words); }
        @Override public int slotStatus(int slot) { return s.slotStatus(slot); }
        @Override public long doneCount() { return s.doneCount(); }
        @Override public boolean awaitSlotStatus(int slot, int status, Duration timeout) {
            return s.awaitSlotStatus(slot, status, timeout);
        }
        @Override public boolean awaitDoneCount(long target, Duration timeout) { return s.awaitDoneCount(target, timeout); }
        @Override public void writeControlWord(int word, int value) { s.writeControlWord(word, value); }
        @Override public byte[] controlSnapshot() { return s.controlSnapshot(); }
        @Override public byte[] ringSnapshot() { return s.ringSnapshot(); }
        @Override public byte[] debugLogSnapshot() { return s.debugLogSnapshot(); }
        @Override public byte[] ioQueueSnapshot() { return s.ioQueueSnapshot(); }
        @Override public MemorySegment dataBuffer() { return s.dataBuffer(); }
        @Override public List<IoRequestView> claimIoRequests() { return s.claimIoRequests(); }
        @Override public void completeIoRequest(int ioSlot, boolean ok) { s.completeIoRequest(ioSlot, ok); }
        @Override public void requestShutdown() { s.requestShutdown(); }
        @Override public boolean awaitTermination(Duration timeout) { return s.awaitTermination(timeout); }
        @Override public boolean isAlive() { return s.isAlive(); }
        @Override public void close() { s.close(); }
    }
}
