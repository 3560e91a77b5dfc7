package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Vyre;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The run/* cases ({@code Session.publishSlots}) pass through session drivers that keep the SPI
 * contract, including a doorbell driver whose interpreter sees only announced slots, and fail drivers
 * that break it: a doorbell that announces only the first slot of a run, a status that reports busy
 * slots as EMPTY.
 */
class PublishSlotsDriverTest {

    private static Vyre reference;

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

    private static ConformanceCase busyCase() {
        return runCases().stream().filter(c -> c.name().endsWith("stops_at_busy")).findFirst().orElseThrow();
    }

    /** Runs {@code c} on the reference backend whose session drivers are wrapped with {@code wrap}. */
    private static CaseResult run(UnaryOperator<SessionDriver> wrap, ConformanceCase c) {
        try (Vyre wrapped = DelegatingBackend.open("wrapped", b -> DelegatingBackend.withDrivers(b, wrap))) {
            return new ConformanceRunner(reference).runCase(wrapped, c);
        }
    }

    @Test
    void aForwardingDriverPassesTheRunCases() {
        List<ConformanceCase> cases = runCases();
        assertEquals(2, cases.size());
        for (ConformanceCase c : cases) {
            CaseResult result = run(DelegatingDriver::new, c);
            assertEquals(CaseStatus.PASSED, result.status(), c.name() + ": " + result.detail());
        }
    }

    @Test
    void aDoorbellDriverPassesTheRunCases() {
        for (ConformanceCase c : runCases()) {
            CaseResult result = run(StagedDriver::new, c);
            assertEquals(CaseStatus.PASSED, result.status(), c.name() + ": " + result.detail());
        }
    }

    @Test
    void aDoorbellThatAnnouncesOnlyTheFirstSlotOfARunFails() {
        CaseResult result = run(d -> new StagedDriver(d) {
            @Override
            public void announce(int firstSlot, int count, int status) {
                super.announce(firstSlot, 1, status);
            }
        }, busyCase());
        assertEquals(CaseStatus.FAILED, result.status(), result.detail());
        assertTrue(result.detail().contains("did not reach DONE"), result.detail());
    }

    @Test
    void aStatusThatReportsBusySlotsEmptyFails() {
        CaseResult result = run(d -> new DelegatingDriver(d) {
            @Override
            public int status(int slot, boolean exact) {
                int status = inner.status(slot, exact);
                return status == SlotStatus.PUBLISHED || status == SlotStatus.CLAIMED ? SlotStatus.EMPTY : status;
            }
        }, busyCase());
        assertEquals(CaseStatus.FAILED, result.status(), result.detail());
        assertTrue(result.detail().contains("published 10"), result.detail());
    }

    /**
     * A doorbell driver over the reference interpreter, shaped like a GPU driver with a staging ring:
     * the runtime writes a host ring the interpreter never reads ({@code ringPolled} false), and
     * {@link #announce} copies the announced slots, status word last, into the ring the interpreter
     * polls. Statuses are read from the interpreter's ring and copied back into the host ring, so the
     * runtime's snapshots show them once it has observed them.
     */
    static class StagedDriver extends DelegatingDriver {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment device;
        private final MemorySegment host;
        private final SessionMemory memory;

        StagedDriver(SessionDriver inner) {
            super(inner);
            SessionMemory m = inner.memory();
            this.device = m.ring();
            this.host = arena.allocate(device.byteSize(), 64);
            this.memory = new SessionMemory(m.control(), host, m.debugLog(), m.ioQueue(), m.data(),
                    m.controlPlacement(), m.ringPlacement(), false);
        }

        @Override
        public SessionMemory memory() {
            return memory;
        }

        @Override
        public void announce(int firstSlot, int count, int status) {
            for (int slot = firstSlot; slot < firstSlot + count; slot++) {
                long base = (long) slot * SlotLayout.SLOT_WORDS;
                MemorySegment.copy(host, Words.offset(base + 1), device, Words.offset(base + 1),
                        SlotLayout.SLOT_BYTES - Integer.BYTES);
                Words.setRelease(device, base, Words.get(host, base));
            }
            inner.announce(firstSlot, count, status);
        }

        @Override
        public int status(int slot, boolean exact) {
            int status = inner.status(slot, exact);
            Words.setRelease(host, (long) slot * SlotLayout.SLOT_WORDS, status);
            return status;
        }

        @Override
        public void close() {
            try {
                inner.close();
            } finally {
                arena.close();
            }
        }
    }
}
