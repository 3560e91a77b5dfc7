package dev.vyre.bench;

import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.OpcodeHandler;
import dev.vyre.protocol.SlotContext;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A test backend whose device is lost the way {@link DeviceLossCheck}'s {@code glsl} body loses a Vulkan one:
 * the reference interpreter runs the session, but the check's opcode, in the slot that carries the token of data
 * word 0, "faults": it marks the device lost and holds its slot CLAIMED (its worker waits until the session
 * closes). The next liveness check stops the other workers (SHUTDOWN; whatever they had claimed finishes) and, like
 * {@code vkGetFenceStatus} of a lost device, throws {@code VK_ERROR_DEVICE_LOST}, as stop does; control writes
 * reach nothing, while the host-visible buffers (ring and control, as a BAR mapping) stay readable. With
 * {@code faults} false the opcode never faults. Not registered as a service.
 */
final class LosingBackendProvider implements BackendProvider {

    private final boolean faults;

    LosingBackendProvider(boolean faults) {
        this.faults = faults;
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
        Backend reference = Vyre.providers().stream().filter(p -> p.name().equals("reference")).findFirst()
                .orElseThrow().open();
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
                LosingDriver driver = new LosingDriver();
                driver.device = reference.openSession(faults ? driver.faulting(spec) : spec);
                return driver;
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

    private static final class LosingDriver implements SessionDriver {
        private SessionDriver device;
        private final CountDownLatch closing = new CountDownLatch(1);
        private volatile boolean lost;
        private boolean quiesced;

        /** @return {@code spec} with the check's opcode faulting in the slot whose token data word 0 holds */
        SessionSpec faulting(SessionSpec spec) {
            CustomOpcode[] ops = spec.opcodes().entries().toArray(new CustomOpcode[0]);
            for (int k = 0; k < ops.length; k++) {
                if (ops[k].opcode() == DeviceLossCheck.MARK) {
                    OpcodeHandler mark = ops[k].handler();
                    Map<String, Object> bodies = new LinkedHashMap<>(ops[k].bodies());
                    bodies.put(CustomOpcode.JAVA, (OpcodeHandler) c -> {
                        if (c.arg(2) != 0 && dataWord0(c) == c.arg(2)) {
                            fault();
                        } else {
                            mark.execute(c);
                        }
                    });
                    ops[k] = new CustomOpcode(ops[k].opcode(), bodies);
                }
            }
            return new SessionSpec(spec.slotCount(), spec.tenantCount(), spec.observableSlots(),
                    spec.dataBufferBytes(), spec.workers(), CustomOpcodes.of(ops), spec.ioWaitTimeout(),
                    spec.isolation(), spec.residentData());
        }

        private static int dataWord0(SlotContext c) {
            if (c.dataBytes() < 4) {
                return 0;
            }
            int w = 0;
            for (int b = 0; b < 4; b++) {
                w |= (c.loadDataByte(b) & 0xFF) << (8 * b);
            }
            return w;
        }

        /** The device is lost; this slot stays CLAIMED until the session closes (interrupts do not end it). */
        private void fault() {
            lost = true;
            boolean interrupted = false;
            while (true) {
                try {
                    closing.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private BackendException lostError(String call) {
            return new BackendException(call + " failed with VK_ERROR_DEVICE_LOST", "the device was lost (injected)");
        }

        @Override
        public SessionMemory memory() {
            return device.memory();
        }

        @Override
        public void announce(int firstSlot, int count, int status) {
            if (!lost) {
                device.announce(firstSlot, count, status);
            }
        }

        @Override
        public int readControl(int word, boolean exact) {
            return device.readControl(word, exact); // a BAR mapping still reads after the loss
        }

        @Override
        public void writeControl(int word, int value) {
            if (!lost) {
                device.writeControl(word, value);
            }
        }

        @Override
        public Liveness liveness() {
            if (lost) {
                synchronized (this) {
                    if (!quiesced) {
                        quiesced = true;
                        // the other workers stop (what they claimed finishes); the faulted one keeps its slot
                        device.writeControl(ControlLayout.SHUTDOWN, 1);
                        device.stop(Duration.ofMillis(300));
                    }
                }
                throw lostError("vkGetFenceStatus");
            }
            return device.liveness();
        }

        @Override
        public boolean stop(Duration timeout) {
            if (lost) {
                throw lostError("vkWaitForFences");
            }
            return device.stop(timeout);
        }

        @Override
        public void close() {
            closing.countDown();
            if (lost) {
                device.stop(Duration.ofSeconds(5));
            }
            device.close();
        }
    }
}
