package dev.vyre.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.IoRequest;
import dev.vyre.protocol.LoadMissCodec;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The binder over a reference-backend session: after a known workload every meter equals what the
 * control buffer, ring and IO queue hold.
 */
class VyreSessionMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static double gauge(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).gauge().value();
    }

    private static double counter(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).functionCounter().count();
    }

    private static int ioStatus(Session s, int ioSlot) {
        return Words.get(MemorySegment.ofArray(s.ioQueueSnapshot()),
                (long) ioSlot * IoQueueLayout.IO_SLOT_WORDS + IoQueueLayout.STATUS_WORD);
    }

    @Test
    void metersEqualTheControlBufferRingAndIoQueueAfterAKnownWorkload() throws Exception {
        CustomOpcodes custom = CustomOpcodes.of(CustomOpcode.java(9, ctx -> { }));
        // the IO wait outlasts anything the test does before completing its request (the default is 5 s)
        SessionOptions options = SessionOptions.builder().slotCount(64).tenantCount(3).observableSlots(16)
                .opcodes(custom).ioWaitTimeout(Duration.ofMinutes(1)).build();
        try (Vyre vyre = Vyre.open("reference"); Session s = vyre.openSession(options)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new VyreSessionMetrics(s, Tags.of("session", "test"), Duration.ZERO).bindTo(registry);
            assertEquals(0, counter(registry, "vyre.session.done", "backend", "reference", "session", "test"));
            assertEquals(64, gauge(registry, "vyre.session.ring.slots", "status", "EMPTY"));

            // 10 ATOMIC_ADD, 5 STORE_U32, 3 BATCH_FENCE, 2 custom 9
            int slot = 0;
            for (int i = 0; i < 10; i++) {
                s.publish(slot++, 0, Opcodes.ATOMIC_ADD, 1, ControlLayout.OBSERVABLE_BASE, 0);
            }
            for (int i = 0; i < 5; i++) {
                s.publish(slot++, 0, Opcodes.STORE_U32, i, ControlLayout.OBSERVABLE_BASE + 1, 0);
            }
            for (int i = 0; i < 3; i++) {
                s.publish(slot++, 0, Opcodes.BATCH_FENCE, 0, i, 0);
            }
            for (int i = 0; i < 2; i++) {
                s.publish(slot++, 0, 9, 0, 0, 0);
            }
            assertTrue(s.awaitDoneCount(20, WAIT));
            for (int i = 0; i < slot; i++) {
                assertTrue(s.awaitSlotStatus(i, SlotStatus.DONE, WAIT));
            }
            s.writeControlWord(ControlLayout.TENANT_FAIRNESS_BASE + 1, 7);
            s.writeControlWord(ControlLayout.TENANT_MASK_BASE + 2, 0);
            s.writeControlWord(ControlLayout.TENANT_QUOTA_BASE + 2, 5);
            s.writeControlWord(ControlLayout.PRIORITY_FAIRNESS_BASE + 3, 11);
            s.writeControlWord(ControlLayout.PRIORITY_STARVATION_COUNTER, 2);

            assertEquals(20, counter(registry, "vyre.session.done"));
            assertEquals(s.doneCount(), counter(registry, "vyre.session.done"));
            assertEquals(3, gauge(registry, "vyre.session.epoch"));
            assertEquals(s.controlWord(ControlLayout.EPOCH), gauge(registry, "vyre.session.epoch"));
            assertEquals(10, counter(registry, "vyre.session.opcode.executions", "opcode", "ATOMIC_ADD"));
            assertEquals(5, counter(registry, "vyre.session.opcode.executions", "opcode", "STORE_U32"));
            assertEquals(3, counter(registry, "vyre.session.opcode.executions", "opcode", "BATCH_FENCE"));
            assertEquals(2, counter(registry, "vyre.session.opcode.executions", "opcode", "0x9"));
            assertEquals(0, counter(registry, "vyre.session.opcode.executions", "opcode", "NOP"));
            assertEquals(9, registry.find("vyre.session.opcode.executions").functionCounters().size());
            for (int op = 0; op < 8; op++) {
                assertEquals(s.controlWord(ControlLayout.METRICS_BASE + op), registry.find(
                        "vyre.session.opcode.executions").tag("opcode", dev.vyre.protocol.BuiltinOpcode.values()[op]
                        .name()).functionCounter().count());
            }

            assertEquals(3, registry.find("vyre.session.tenant.authorized").gauges().size());
            assertEquals(1, gauge(registry, "vyre.session.tenant.authorized", "tenant", "0"));
            assertEquals(1, gauge(registry, "vyre.session.tenant.authorized", "tenant", "1"));
            assertEquals(0, gauge(registry, "vyre.session.tenant.authorized", "tenant", "2"));
            assertEquals(ControlLayout.DEFAULT_TENANT_QUOTA, gauge(registry, "vyre.session.tenant.quota", "tenant", "0"));
            assertEquals(5, gauge(registry, "vyre.session.tenant.quota", "tenant", "2"));
            assertEquals(7, gauge(registry, "vyre.session.tenant.fairness", "tenant", "1"));
            assertEquals(0, gauge(registry, "vyre.session.tenant.fairness", "tenant", "0"));
            assertEquals(11, gauge(registry, "vyre.session.priority.fairness", "priority", "3"));
            assertEquals(2, gauge(registry, "vyre.session.priority.starvation"));

            assertEquals(20, gauge(registry, "vyre.session.ring.slots", "status", "DONE"));
            assertEquals(44, gauge(registry, "vyre.session.ring.slots", "status", "EMPTY"));
            assertEquals(0, gauge(registry, "vyre.session.ring.slots", "status", "PUBLISHED"));
            assertEquals(0, gauge(registry, "vyre.session.io.depth", "status", "PUBLISHED"));

            // a LOAD_MISS waits on the IO queue: one request waiting, then one being served, then none
            int[] loadMiss = new int[16];
            MemorySegment image = MemorySegment.ofArray(LoadMissCodec.encodeLoadMiss(5, false));
            for (int i = 0; i < 16; i++) {
                loadMiss[i] = Words.get(image, i);
            }
            s.writeRawSlot(40, loadMiss);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ioStatus(s, 0) != SlotStatus.PUBLISHED && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, gauge(registry, "vyre.session.io.depth", "status", "PUBLISHED"));
            assertEquals(0, gauge(registry, "vyre.session.io.depth", "status", "CLAIMED"));
            assertEquals(1, gauge(registry, "vyre.session.ring.slots", "status", "CLAIMED")
                    + gauge(registry, "vyre.session.ring.slots", "status", "WAIT_IO"));
            List<IoRequest> claimed = s.claimIoRequests();
            assertEquals(1, claimed.size());
            assertEquals(0, gauge(registry, "vyre.session.io.depth", "status", "PUBLISHED"));
            assertEquals(1, gauge(registry, "vyre.session.io.depth", "status", "CLAIMED"));
            s.completeIoRequest(claimed.getFirst().slotIdx(), true);
            assertTrue(s.awaitSlotStatus(40, SlotStatus.DONE, WAIT));
            assertEquals(0, gauge(registry, "vyre.session.io.depth", "status", "CLAIMED"));
            assertEquals(21, counter(registry, "vyre.session.done"));
            assertEquals(21, gauge(registry, "vyre.session.ring.slots", "status", "DONE"));

            s.close();
            assertEquals(21, counter(registry, "vyre.session.done"), "a closed session keeps its last values");
            assertEquals(3, gauge(registry, "vyre.session.epoch"));
        }
    }

    @Test
    void oneScrapeCopiesOnceWithinTheMaxAge() {
        try (Vyre vyre = Vyre.open("reference");
             Session s = vyre.openSession(SessionOptions.builder().slotCount(8).build())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new VyreSessionMetrics(s, Tags.empty(), Duration.ofHours(1)).bindTo(registry);
            assertEquals(0, gauge(registry, "vyre.session.epoch"));
            s.publish(0, 0, Opcodes.BATCH_FENCE, 0, 0, 0);
            assertTrue(s.awaitDoneCount(1, WAIT));
            assertEquals(0, gauge(registry, "vyre.session.epoch"), "still the first copy");
            assertEquals(0, counter(registry, "vyre.session.done"));
        }
    }

    @Test
    void aNegativeMaxAgeIsRefusedWithAFix() {
        try (Vyre vyre = Vyre.open("reference");
             Session s = vyre.openSession(SessionOptions.builder().slotCount(8).build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new VyreSessionMetrics(s, Tags.empty(), Duration.ofSeconds(-1)));
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
    }

    @Test
    void doneCountIsExtendedPastItsWrap() {
        try (Vyre vyre = Vyre.open("reference");
             Session s = vyre.openSession(SessionOptions.builder().slotCount(8).build())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new VyreSessionMetrics(s, Tags.empty(), Duration.ZERO).bindTo(registry);
            s.writeControlWord(ControlLayout.DONE_COUNT, -2);
            assertEquals(0xFFFF_FFFEL, counter(registry, "vyre.session.done"));
            s.publish(0, 0, Opcodes.NOP, 0, 0, 0);
            s.publish(1, 0, Opcodes.NOP, 0, 0, 0);
            s.publish(2, 0, Opcodes.NOP, 0, 0, 0);
            assertTrue(s.awaitDoneCount(1, WAIT));
            assertEquals(0x1_0000_0001L, counter(registry, "vyre.session.done"));
        }
    }
}
