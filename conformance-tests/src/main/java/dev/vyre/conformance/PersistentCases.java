package dev.vyre.conformance;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Persistent mode (deliberate fix 7): SHUTDOWN three ways, slots published after it stay
 * PUBLISHED; over a million slots published in waves through a recycled ring, each executed
 * exactly once; several publisher threads on disjoint slot ranges.
 */
final class PersistentCases {

    /** Slots of the big run: waves x ring slots >= 1,000,000. */
    static final int RING = 4096;
    static final int WAVES = 245;

    private PersistentCases() {
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ConformanceCase.persistent("persistent/shutdown_opcode",
                "a SHUTDOWN slot stops the interpreter; a slot published afterwards stays PUBLISHED",
                vyre -> shutdown(vyre, Way.OPCODE)));
        cases.add(ConformanceCase.persistent("persistent/shutdown_control_word",
                "the host writing control word 0 stops the interpreter; later slots stay PUBLISHED",
                vyre -> shutdown(vyre, Way.CONTROL_WORD)));
        cases.add(ConformanceCase.persistent("persistent/shutdown_store_u32",
                "a STORE_U32 [1, 0] slot stops the interpreter; later slots stay PUBLISHED",
                vyre -> shutdown(vyre, Way.STORE)));
        cases.add(ConformanceCase.persistent("persistent/million_slots_two_publishers",
                RING * WAVES + " ATOMIC_ADD slots in " + WAVES + " waves over a recycled " + RING
                        + "-slot ring from 2 threads: every slot runs exactly once",
                vyre -> waves(vyre, RING, WAVES, 2)).goldenOnly().withTimeout(java.time.Duration.ofSeconds(120)));
        cases.add(ConformanceCase.persistent("persistent/four_publishers_mixed",
                "4 publisher threads on disjoint ranges of a 256-slot ring, STORE_U32 and ATOMIC_ADD, 50 waves",
                vyre -> mixedPublishers(vyre)));
        cases.add(ConformanceCase.persistent("persistent/close_one_of_two_sessions",
                "two sessions on one backend: closing one, opening and closing a third, and a one-pass dispatch with"
                        + " a 2 MiB data buffer, all while the other session runs; it keeps running, byte-exact",
                vyre -> closeOneOfTwo(vyre)).withTimeout(java.time.Duration.ofSeconds(30)));
        return cases;
    }

    private enum Way { OPCODE, CONTROL_WORD, STORE }

    private static List<Snapshot> closeOneOfTwo(Vyre vyre) {
        SessionOptions options = SessionOptions.builder().slotCount(8).observableSlots(16).build();
        try (Session kept = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(kept));
            store(kept, g, 0, 0x11);
            try (Session other = openSecond(vyre, options)) {
                Golden o = Golden.from(Buffers.of(other));
                store(other, o, 0, 0x21);
                o.verify("the other session", Buffers.of(other));
            } // closed while the kept session's interpreter runs
            store(kept, g, 1, 0x12);
            try (Session third = vyre.openSession(options)) {
                Golden t = Golden.from(Buffers.of(third));
                store(third, t, 3, 0x31);
                t.verify("a third session opened after the close", Buffers.of(third));
            }
            byte[] ring = Wire.ring(1);
            Wire.publish(ring, 0, 0, Opcodes.STORE_U32, 0x41, 160, 0);
            OnePass.run(vyre, OnePass.request(Wire.control(false, 1, 16), ring).withData(new byte[2 << 20]),
                    d -> OnePass.metric(OnePass.done(d, 0), Opcodes.STORE_U32).control(160, 0x41));
            store(kept, g, 2, 0x13);
            Buffers after = Buffers.of(kept);
            g.verify("the kept session, after the others closed", after);
            return List.of(Snapshot.exact("the kept session", after));
        }
    }

    /** @throws CaseSkipped when the backend runs only one persistent session at a time (it says so) */
    private static Session openSecond(Vyre vyre, SessionOptions options) {
        try {
            return vyre.openSession(options);
        } catch (dev.vyre.protocol.UnsupportedFeatureException e) {
            throw new CaseSkipped("the backend runs one persistent session at a time: " + e.getMessage());
        }
    }

    /** Publishes STORE_U32 {@code value} into control word 160 on {@code slot}, waits for DONE, expects it. */
    private static void store(Session s, Golden g, int slot, int value) {
        s.publish(slot, 0, Opcodes.STORE_U32, value, 160, 0);
        Sessions.await(s, slot, SlotStatus.DONE);
        g.published(slot, 0, Opcodes.STORE_U32, value, 160, 0).status(slot, SlotStatus.DONE).control(160, value)
                .controlAdd(dev.vyre.protocol.ControlLayout.DONE_COUNT, 1)
                .controlAdd(dev.vyre.protocol.ControlLayout.METRICS_BASE + Opcodes.STORE_U32, 1);
    }

    private static List<Snapshot> shutdown(Vyre vyre, Way way) {
        SessionOptions options = SessionOptions.builder().slotCount(8).observableSlots(16).build();
        try (Session s = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(s));
            s.publish(0, 0, Opcodes.STORE_U32, 0x5A, 160, 0);
            Sessions.await(s, 0, SlotStatus.DONE);
            g.published(0, 0, Opcodes.STORE_U32, 0x5A, 160, 0).status(0, SlotStatus.DONE).control(160, 0x5A)
                    .controlAdd(1, 1).controlAdd(97, 1).control(0, 1);
            switch (way) {
                case OPCODE -> {
                    s.publish(1, 0, Opcodes.SHUTDOWN, 0, 0, 0);
                    g.published(1, 0, Opcodes.SHUTDOWN, 0, 0, 0).status(1, SlotStatus.DONE).controlAdd(1, 1);
                }
                case STORE -> {
                    s.publish(1, 0, Opcodes.STORE_U32, 1, 0, 0);
                    g.published(1, 0, Opcodes.STORE_U32, 1, 0, 0).status(1, SlotStatus.DONE).controlAdd(1, 1)
                            .controlAdd(97, 1);
                }
                case CONTROL_WORD -> s.writeControlWord(0, 1);
            }
            Sessions.awaitStopped(s, "by " + way);
            s.publish(2, 0, Opcodes.STORE_U32, 0x77, 161, 0);
            s.publish(3, 0, Opcodes.ATOMIC_ADD, 1, 162, 0);
            g.published(2, 0, Opcodes.STORE_U32, 0x77, 161, 0).published(3, 0, Opcodes.ATOMIC_ADD, 1, 162, 0);
            Buffers after = Buffers.of(s);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }

    /**
     * {@code threads} publishers, each owning a contiguous range of slots, publish wave after
     * wave: slot {@code s} in wave {@code w} adds {@code w + 1} to observable word {@code s},
     * after its previous run is DONE. Every observable word must end at {@code waves(waves+1)/2}.
     */
    static List<Snapshot> waves(Vyre vyre, int ring, int waves, int threads) throws Exception {
        SessionOptions options = SessionOptions.builder().slotCount(ring).observableSlots(ring).build();
        try (Session s = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(s));
            AtomicReference<Throwable> error = new AtomicReference<>();
            List<Thread> publishers = new ArrayList<>();
            int per = ring / threads;
            for (int t = 0; t < threads; t++) {
                int from = t * per;
                int to = t == threads - 1 ? ring : from + per;
                publishers.add(Thread.ofPlatform().name("vyre-conformance-publisher-" + t).start(() -> {
                    try {
                        for (int w = 0; w < waves; w++) {
                            for (int slot = from; slot < to; slot++) {
                                if (w > 0) {
                                    Sessions.await(s, slot, SlotStatus.DONE);
                                }
                                s.publish(slot, 0, Opcodes.ATOMIC_ADD, w + 1, 160 + slot, 0);
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : publishers) {
                t.join();
            }
            if (error.get() != null) {
                throw new ConformanceFailure("a publisher failed: " + error.get());
            }
            long total = (long) ring * waves;
            if (!s.awaitDoneCount(total, Sessions.WAIT)) {
                throw new ConformanceFailure("DONE_COUNT reached " + s.doneCount() + " of " + total);
            }
            for (int slot = 0; slot < ring; slot++) {
                Sessions.await(s, slot, SlotStatus.DONE);
            }
            Buffers after = Sessions.stop(s);
            int sum = waves * (waves + 1) / 2;
            for (int slot = 0; slot < ring; slot++) {
                g.control(160 + slot, sum).published(slot, 0, Opcodes.ATOMIC_ADD, waves, 160 + slot, 0)
                        .status(slot, SlotStatus.DONE);
            }
            g.controlAdd(1, (int) total).controlAdd(98, (int) total).control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }

    private static List<Snapshot> mixedPublishers(Vyre vyre) throws Exception {
        int ring = 256;
        int waves = 50;
        int threads = 4;
        SessionOptions options = SessionOptions.builder().slotCount(ring).observableSlots(2 * ring).build();
        try (Session s = vyre.openSession(options)) {
            Golden g = Golden.from(Buffers.of(s));
            AtomicReference<Throwable> error = new AtomicReference<>();
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = t * (ring / threads);
                int to = from + ring / threads;
                publishers.add(Thread.ofPlatform().name("vyre-conformance-mixed-" + t).start(() -> {
                    try {
                        for (int w = 0; w < waves; w++) {
                            for (int slot = from; slot < to; slot++) {
                                if (w > 0) {
                                    Sessions.await(s, slot, SlotStatus.DONE);
                                }
                                if ((w & 1) == 0) {
                                    s.publish(slot, 0, Opcodes.ATOMIC_ADD, slot + 1, 160 + slot, 0);
                                } else {
                                    s.publish(slot, 0, Opcodes.STORE_U32, w * 1000 + slot, 160 + ring + slot, 0);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : publishers) {
                t.join();
            }
            if (error.get() != null) {
                throw new ConformanceFailure("a publisher failed: " + error.get());
            }
            for (int slot = 0; slot < ring; slot++) {
                Sessions.await(s, slot, SlotStatus.DONE);
            }
            Buffers after = Sessions.stop(s);
            int adds = (waves + 1) / 2;
            int stores = waves / 2;
            int lastStoreWave = (waves - 1) | 1;
            if (lastStoreWave >= waves) {
                lastStoreWave -= 2;
            }
            int lastWave = waves - 1;
            for (int slot = 0; slot < ring; slot++) {
                g.control(160 + slot, adds * (slot + 1)).control(160 + ring + slot, lastStoreWave * 1000 + slot);
                if ((lastWave & 1) == 0) {
                    g.published(slot, 0, Opcodes.ATOMIC_ADD, slot + 1, 160 + slot, 0);
                } else {
                    g.published(slot, 0, Opcodes.STORE_U32, lastWave * 1000 + slot, 160 + ring + slot, 0);
                }
                g.status(slot, SlotStatus.DONE);
            }
            g.controlAdd(1, ring * waves).controlAdd(98, ring * adds).controlAdd(97, ring * stores).control(0, 1);
            g.verify("after shutdown", after);
            return List.of(Snapshot.exact("after shutdown", after));
        }
    }
}
