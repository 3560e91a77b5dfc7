package dev.vyre.cli;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.Liveness;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Probe;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionMemory;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend that is the reference backend with one injected fault (registered for the CLI tests
 * only, below every real backend's priority), so that the tests can show a checker catches a backend
 * that drops or doubles a slot:
 * <ul>
 *   <li>{@link Fault#DROP}: one published slot is marked DONE without running (as a lost
 *       submission that still reports completion): its effects and its DONE_COUNT never happen;</li>
 *   <li>{@link Fault#DOUBLE}: one slot, once DONE, is set back to PUBLISHED and announced again, so the
 *       reference interpreter runs the same publication a second time (effects, metrics and DONE_COUNT).</li>
 * </ul>
 * The fault hits the last slot of the {@value #AFTER_RUNS}th run announced after the session opened
 * (the next one if the interpreter already took it), exactly once per session.
 */
public final class FaultyTestProvider implements BackendProvider {

    /** Its name. */
    static final String NAME = "test-faulty";
    /** Runs announced before the fault is injected. */
    static final int AFTER_RUNS = 3;

    /** The fault a session injects. */
    enum Fault { NONE, DROP, DOUBLE }

    /** The fault of the next sessions; tests set it and put it back. */
    static volatile Fault fault = Fault.NONE;
    /** Faults injected since the last reset. */
    static final AtomicInteger INJECTED = new AtomicInteger();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -60;
    }

    @Override
    public Probe probe() {
        return Probe.available("test faulty device", "test driver 1");
    }

    @Override
    public Backend open() {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("reference")) {
                return new Faulty(p.open());
            }
        }
        throw new BackendException("the reference backend is not on the test class path", "add it");
    }

    private record Faulty(Backend reference) implements Backend {
        @Override
        public DeviceInfo device() {
            return new DeviceInfo("test faulty device", "test driver 1", Map.of());
        }

        @Override
        public Capabilities capabilities() {
            return reference.capabilities();
        }

        @Override
        public SessionDriver openSession(SessionSpec spec) {
            return new FaultyDriver(reference.openSession(spec), fault);
        }

        @Override
        public PassResult dispatch(PassRequest request) {
            return reference.dispatch(request);
        }

        @Override
        public void close() {
            reference.close();
        }
    }

    /** The reference driver, with {@code fault} injected once into the announced runs. */
    private static final class FaultyDriver implements SessionDriver {
        private final SessionDriver delegate;
        private final Fault fault;
        private final MemorySegment ring;
        private int runs;
        private boolean injected;

        FaultyDriver(SessionDriver delegate, Fault fault) {
            this.delegate = delegate;
            this.fault = fault;
            this.ring = delegate.memory().ring();
        }

        @Override
        public SessionMemory memory() {
            return delegate.memory();
        }

        @Override
        public void announce(int firstSlot, int count, int status) {
            boolean due = fault != Fault.NONE && !injected && count > 1 && ++runs > AFTER_RUNS;
            long last = (long) (firstSlot + count - 1) * SlotLayout.SLOT_WORDS;
            if (due && fault == Fault.DROP && Words.compareAndSet(ring, last, SlotStatus.PUBLISHED, SlotStatus.DONE)) {
                injected = true;
                INJECTED.incrementAndGet();
            }
            delegate.announce(firstSlot, count, status);
            if (due && fault == Fault.DOUBLE) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (Words.getAcquire(ring, last) != SlotStatus.DONE && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (Words.compareAndSet(ring, last, SlotStatus.DONE, SlotStatus.PUBLISHED)) {
                    delegate.announce(firstSlot + count - 1, 1, SlotStatus.PUBLISHED);
                    injected = true;
                    INJECTED.incrementAndGet();
                }
            }
        }

        @Override
        public void announce(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
            delegate.announce(slot, tenant, opcode, arg0, arg1, arg2);
        }

        @Override
        public int status(int slot, boolean exact) {
            return delegate.status(slot, exact);
        }

        @Override
        public int readControl(int word, boolean exact) {
            return delegate.readControl(word, exact);
        }

        @Override
        public void writeControl(int word, int value) {
            delegate.writeControl(word, value);
        }

        @Override
        public void copyDeviceBuffer(DeviceBuffer buffer, MemorySegment dst) {
            delegate.copyDeviceBuffer(buffer, dst);
        }

        @Override
        public Liveness liveness() {
            return delegate.liveness();
        }

        @Override
        public boolean stop(Duration timeout) {
            return delegate.stop(timeout);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
