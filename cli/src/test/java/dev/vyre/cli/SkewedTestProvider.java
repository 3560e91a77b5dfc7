package dev.vyre.cli;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.Probe;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A one-pass test backend that computes one thing wrong, for the replay tests: it runs every pass on the
 * reference backend, except that an ATOMIC_ADD whose increment is {@link #SKEWED_INCREMENT} adds one more.
 * Registered for the CLI tests only, below every real backend's priority. Replaying
 * {@code replay/demo-32.vrri} on it must name the one record with that increment.
 */
public final class SkewedTestProvider implements BackendProvider {

    /** Its name. */
    static final String NAME = "test-skewed";
    /** The ATOMIC_ADD increment it gets wrong: argument word 0 of record 102 of {@code replay/demo-32.vrri}. */
    static final int SKEWED_INCREMENT = 204_070_801;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -70;
    }

    @Override
    public Probe probe() {
        return Probe.available("test skewed device", "test driver 1");
    }

    @Override
    public Backend open() {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("reference")) {
                return new Skewed(p.open());
            }
        }
        throw new BackendException("the reference backend is not on the test class path", "add it");
    }

    private record Skewed(Backend reference) implements Backend {
        @Override
        public DeviceInfo device() {
            return new DeviceInfo("test skewed device", "test driver 1", Map.of());
        }

        @Override
        public Capabilities capabilities() {
            Capabilities c = reference.capabilities();
            return new Capabilities(c.maxSlots(), c.lanes(), Set.of(Placement.HOST), c.dataBuffer(),
                    c.maxDataBufferBytes(), false, Set.of());
        }

        @Override
        public SessionDriver openSession(SessionSpec spec) {
            throw new IllegalStateException("the runtime never opens a session on a one-pass backend");
        }

        @Override
        public PassResult dispatch(PassRequest request) {
            ByteBuffer in = ByteBuffer.wrap(request.ring().clone()).order(ByteOrder.LITTLE_ENDIAN);
            PassResult r = reference.dispatch(request);
            ByteBuffer control = ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN);
            for (int s = 0; s < in.capacity() / SlotLayout.SLOT_BYTES; s++) {
                int at = s * SlotLayout.SLOT_BYTES;
                if (in.getInt(at) == SlotStatus.PUBLISHED && in.getInt(at + 4) == Opcodes.ATOMIC_ADD
                        && in.getInt(at + 16) == SKEWED_INCREMENT) {
                    long word = Integer.toUnsignedLong(in.getInt(at + 20));
                    if (4 * word + 4 <= control.capacity()) {
                        control.putInt((int) (4 * word), control.getInt((int) (4 * word)) + 1);
                    }
                }
            }
            return r;
        }

        @Override
        public void close() {
            reference.close();
        }
    }
}
