package dev.vyre.cli;

import dev.vyre.protocol.BackendException;
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
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A test backend that is available but runs one-pass dispatches only (as Vulkan on lavapipe does); its
 * dispatches run on the reference backend. Registered for the CLI tests only, below every real
 * backend's priority. {@link #mode} makes its open slow or failing, for the tests of {@code backends}.
 */
public final class OnePassTestProvider implements BackendProvider {

    /** Its name. */
    static final String NAME = "test-onepass";
    /** Its device's name. */
    static final String DEVICE = "test one-pass device";

    /** How {@link #open()} behaves. */
    enum Mode { OPEN, SLOW, FAIL }

    /** How the next {@link #open()} behaves; tests set it and put it back. */
    static volatile Mode mode = Mode.OPEN;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -50;
    }

    @Override
    public Probe probe() {
        return Probe.available(DEVICE, "test driver 1");
    }

    @Override
    public Backend open() {
        switch (mode) {
            case SLOW -> {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case FAIL -> throw new BackendException("the test device failed to open\nsecond line", "reset it");
            case OPEN -> {
            }
        }
        Backend reference = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("reference")) {
                reference = p.open();
            }
        }
        if (reference == null) {
            throw new BackendException("the reference backend is not on the test class path", "add it");
        }
        return new OnePass(reference);
    }

    private record OnePass(Backend reference) implements Backend {
        @Override
        public DeviceInfo device() {
            return new DeviceInfo(DEVICE, "test driver 1", Map.of());
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
            return reference.dispatch(request);
        }

        @Override
        public void close() {
            reference.close();
        }
    }
}
