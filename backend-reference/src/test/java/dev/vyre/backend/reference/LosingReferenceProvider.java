package dev.vyre.backend.reference;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend: the reference backend whose device is lost mid-stream. Each session's driver passes the
 * first {@code loseAfter} announced slots to the reference interpreter; the announce that reaches that count
 * loses the device at once: the interpreter is stopped (SHUTDOWN, then stop; slots it had claimed finish,
 * announced slots it had not claimed stay PUBLISHED), and from then on every doorbell reaches nothing (as a
 * dead GPU's would) and every control access, the liveness check and stop fail with a
 * {@code VK_ERROR_DEVICE_LOST} {@link BackendException}. The ring and the other host buffers stay readable,
 * as pinned host memory of a lost GPU does. Not registered as a service: tests open it with
 * {@code Vyre.open(new LosingReferenceProvider(n))}. {@code loseAfter} of {@link Integer#MAX_VALUE} never
 * loses the device.
 */
final class LosingReferenceProvider implements BackendProvider {

    private final int loseAfter;
    /** Devices lost so far, by every session of this provider. */
    final AtomicInteger losses = new AtomicInteger();

    LosingReferenceProvider(int loseAfter) {
        this.loseAfter = loseAfter;
    }

    @Override
    public String name() {
        return "test-losing";
    }

    @Override
    public int priority() {
        return -70;
    }

    @Override
    public Probe probe() {
        return Probe.available("test losing device", "test driver 1");
    }

    @Override
    public Backend open() {
        Backend reference = new ReferenceBackendProvider().open();
        return new Backend() {
            @Override
            public DeviceInfo device() {
                return new DeviceInfo("test losing device", "test driver 1", Map.of());
            }

            @Override
            public Capabilities capabilities() {
                return reference.capabilities();
            }

            @Override
            public SessionDriver openSession(SessionSpec spec) {
                return new LosingDriver(reference.openSession(spec));
            }

            @Override
            public PassResult dispatch(PassRequest request) {
                return reference.dispatch(request);
            }

            @Override
            public void close() {
                reference.close();
            }
        };
    }

    private final class LosingDriver implements SessionDriver {
        private final SessionDriver device;
        private int announced;
        private volatile boolean lost;

        LosingDriver(SessionDriver device) {
            this.device = device;
        }

        private BackendException lostError() {
            return new BackendException("vkQueueSubmit failed with VK_ERROR_DEVICE_LOST (injected after "
                    + loseAfter + " announced slots)", "this is the test backend's injected fault");
        }

        private synchronized int admit(int count) {
            if (lost) {
                return 0;
            }
            int take = (int) Math.min(count, (long) loseAfter - announced);
            announced += take;
            return take;
        }

        private synchronized void loseIfDue() {
            if (!lost && announced >= loseAfter) {
                lost = true;
                losses.incrementAndGet();
                device.writeControl(ControlLayout.SHUTDOWN, 1);
                device.stop(Duration.ofSeconds(5));
            }
        }

        @Override
        public SessionMemory memory() {
            return device.memory();
        }

        @Override
        public void announce(int firstSlot, int count, int status) {
            int take = admit(count);
            if (take > 0) {
                device.announce(firstSlot, take, status);
            }
            loseIfDue();
        }

        @Override
        public void announce(int slot, int tenant, int opcode, int arg0, int arg1, int arg2) {
            if (admit(1) == 1) {
                device.announce(slot, tenant, opcode, arg0, arg1, arg2);
            }
            loseIfDue();
        }

        @Override
        public int status(int slot, boolean exact) {
            return device.status(slot, exact);
        }

        @Override
        public int readControl(int word, boolean exact) {
            if (lost) {
                throw lostError();
            }
            return device.readControl(word, exact);
        }

        @Override
        public void writeControl(int word, int value) {
            if (lost) {
                throw lostError();
            }
            device.writeControl(word, value);
        }

        @Override
        public void copyDeviceBuffer(DeviceBuffer buffer, MemorySegment dst) {
            if (lost) {
                throw lostError();
            }
            device.copyDeviceBuffer(buffer, dst);
        }

        @Override
        public Liveness liveness() {
            if (lost) {
                throw lostError();
            }
            return device.liveness();
        }

        @Override
        public boolean stop(Duration timeout) {
            if (lost) {
                throw lostError();
            }
            return device.stop(timeout);
        }

        @Override
        public void close() {
            device.close();
        }
    }
}
