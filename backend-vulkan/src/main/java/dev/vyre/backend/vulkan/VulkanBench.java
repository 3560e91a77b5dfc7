package dev.vyre.backend.vulkan;

import dev.vyre.api.Megakernel;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.spi.DispatchRequest;
import dev.vyre.spi.PersistentSession;
import dev.vyre.spi.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Vulkan benchmark with its peers in one run (docs/PERFORMANCE.md, Vulkan):
 * <ul>
 *   <li>{@code submit+fence}: vkQueueSubmit of a 1-invocation dispatch + spin on the fence, per op;</li>
 *   <li>{@code mirror_check}: one slot through a persistent session, seen DONE in the host-cached status
 *       mirror and in the ring (BAR); where the buffers live;</li>
 *   <li>{@code host_publish_ns}: host cost of publish() / publishDeferred() into a ring the shader leaves
 *       alone (unauthorised tenant), per slot;</li>
 *   <li>{@code persistent}: publish one ATOMIC_ADD slot, spin on its status until DONE (p50/p99/p99.9);</li>
 *   <li>{@code throughput}: one Java publisher over a recycled ring, slots/s from DONE_COUNT, with
 *       publish() and with publishDeferred() + flush() every 64 slots;</li>
 *   <li>{@code one-pass}: Backend.dispatch of 1, 64, 4,096 and 65,536 ATOMIC_ADD slots (median).</li>
 * </ul>
 * Usage: {@code VulkanBench [--seconds S] [--json FILE]}.
 */
public final class VulkanBench {

    private VulkanBench() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        double seconds = 3;
        Path json = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--json" -> json = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --seconds S --json FILE");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (VulkanBackend b = (VulkanBackend) new VulkanBackendProvider().open()) {
            out.put("device", b.device().name());
            out.put("driver", b.device().driver());
            out.put("details", b.device().details().toString());
            b.submitFenceRoundTrips(2000);
            out.put("submit_fence_us", percentiles(b.submitFenceRoundTrips(20000)));
            if (b.capabilities().persistent()) {
                double s = seconds;
                section(out, "mirror_check", () -> mirrorCheck(b));
                section(out, "host_publish_ns", () -> hostPublish(b));
                section(out, "persistent_rtt_us", () -> latency(b, s));
                section(out, "throughput_slots_per_s", () -> throughput(b, s, 0));
                section(out, "throughput_deferred64_slots_per_s", () -> throughput(b, s, 64));
            } else {
                out.put("persistent", "off on this device");
            }
            Map<String, Object> batches = new LinkedHashMap<>();
            for (int n : new int[] {1, 64, 4096, 65536}) {
                batches.put(Integer.toString(n), onePass(b, n));
            }
            out.put("one_pass_ms", batches);
        }
        String text = toJson(out);
        System.out.println(text);
        if (json != null) {
            Files.writeString(json, text);
        }
    }

    /** Runs one section; a failure becomes its entry ("FAILED: ...") and is printed, the rest still runs. */
    private static void section(Map<String, Object> out, String name, java.util.function.Supplier<Object> body) {
        try {
            out.put(name, body.get());
        } catch (RuntimeException e) {
            String text = "FAILED: " + e;
            out.put(name, text);
            System.err.println(name + " " + text);
            e.printStackTrace();
        }
    }

    /**
     * One slot through a session: how long until the status mirror (host-cached, what the host polls)
     * and the ring (BAR) show DONE. If the mirror never does, GPU writes to host memory stay in the
     * GPU's caches while the dispatch runs on this driver: waits still finish (they confirm in BAR
     * memory before parking) but spin far slower.
     */
    private static Map<String, Object> mirrorCheck(VulkanBackend b) {
        SessionOptions o = SessionOptions.builder().slotCount(64).observableSlots(16).build();
        try (VulkanSession s = (VulkanSession) b.openSession(o)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("placement", s.placement());
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                s.publish(0, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
                long deadline = t0 + 2_000_000_000L;
                long mirrorNs = -1;
                while (System.nanoTime() < deadline) {
                    if (s.slotStatus(0) == SlotStatus.DONE) {
                        mirrorNs = System.nanoTime() - t0;
                        break;
                    }
                    Thread.onSpinWait();
                }
                int ring = s.ringStatus(0);
                m.put("round" + round, "mirror DONE after " + (mirrorNs < 0 ? "NEVER (2 s)" : mirrorNs / 1e3 + " us")
                        + ", ring status " + SlotStatus.name(ring) + ", control[160] " + s.controlWord(160));
                if (mirrorNs < 0) {
                    m.put("verdict", ring == SlotStatus.DONE
                            ? "MIRROR BROKEN: the ring says DONE but the host-cached mirror never did; the shader's"
                                    + " writes to system memory are not reaching the host while it runs"
                            : "SHADER NOT RUNNING SLOTS: the ring status is " + SlotStatus.name(ring) + ", alive "
                                    + s.isAlive());
                    return m;
                }
                if (!s.awaitSlotStatus(0, SlotStatus.DONE, java.time.Duration.ofSeconds(1))) {
                    throw new IllegalStateException("awaitSlotStatus(DONE) failed after the mirror showed DONE");
                }
            }
            m.put("done_count", s.doneCount());
            m.put("verdict", s.doneCount() == 3 && s.controlWord(160) == 3 ? "OK"
                    : "WRONG: expected DONE_COUNT 3 and control[160] 3");
            return m;
        }
    }

    /** Host cost per slot of publish() and publishDeferred() (flush every 64) with tenant 31 (not authorised). */
    private static Map<String, Object> hostPublish(VulkanBackend b) {
        int ring = 4096;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int mode = 0; mode < 2; mode++) {
            long best = Long.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                SessionOptions o = SessionOptions.builder().slotCount(ring).observableSlots(16).build();
                try (PersistentSession s = b.openSession(o)) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < ring; i++) {
                        if (mode == 0) {
                            s.publish(i, 31, Opcodes.ATOMIC_ADD, 1, 160, 0);
                        } else {
                            s.publishDeferred(i, 31, Opcodes.ATOMIC_ADD, 1, 160, 0);
                            if ((i & 63) == 63) {
                                s.flush();
                            }
                        }
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                    if (s.slotStatus(ring - 1) != SlotStatus.PUBLISHED) {
                        throw new IllegalStateException("slot " + (ring - 1) + " is " + SlotStatus.name(
                                s.slotStatus(ring - 1)) + " after publishing with an unauthorised tenant, expected"
                                + " PUBLISHED");
                    }
                }
            }
            m.put(mode == 0 ? "publish" : "publishDeferred64", (double) best / ring);
        }
        return m;
    }

    private static Map<String, Object> latency(VulkanBackend b, double seconds) {
        SessionOptions o = SessionOptions.builder().slotCount(1024).observableSlots(16).build();
        try (PersistentSession s = b.openSession(o)) {
            long[] samples = new long[4_000_000];
            int n = 0;
            long warm = System.nanoTime() + 1_000_000_000L;
            long end = warm + (long) (seconds * 1e9);
            int slot = 0;
            while (true) {
                long t0 = System.nanoTime();
                if (t0 > end || n == samples.length) {
                    break;
                }
                s.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160, 0);
                long spins = 0;
                while (s.slotStatus(slot) != SlotStatus.DONE) {
                    if (++spins % 1_000_000 == 0) {
                        stuck(s, slot, t0);
                    }
                    Thread.onSpinWait();
                }
                long dt = System.nanoTime() - t0;
                if (t0 > warm) {
                    samples[n++] = dt;
                }
                slot = (slot + 1) & 1023;
            }
            return percentiles(Arrays.copyOf(samples, n));
        }
    }

    /** Throws with what the host sees when a slot has not finished for a second. */
    private static void stuck(PersistentSession s, int slot, long since) {
        if (System.nanoTime() - since < 1_000_000_000L) {
            return;
        }
        VulkanSession v = (VulkanSession) s;
        throw new IllegalStateException("slot " + slot + " not DONE after 1 s: mirror says "
                + SlotStatus.name(s.slotStatus(slot)) + ", ring (BAR) says " + SlotStatus.name(v.ringStatus(slot))
                + ", alive " + s.isAlive() + ", heartbeat " + v.heartbeat() + "; " + v.placement()
                + (v.ringStatus(slot) == SlotStatus.DONE ? " -> the status mirror is not updated by the shader"
                        : !s.isAlive() ? " -> the persistent dispatch ended or stalled (expected on lavapipe, which"
                                + " ends long-running loops; a bug on a GPU)"
                        : " -> the shader is alive but does not run the slot"));
    }

    /** @param batch 0: publish(); else publishDeferred() with flush() every {@code batch} slots */
    private static double throughput(VulkanBackend b, double seconds, int batch) {
        int ring = 4096;
        SessionOptions o = SessionOptions.builder().slotCount(ring).observableSlots(ring).build();
        try (PersistentSession s = b.openSession(o)) {
            long start = 0;
            long startDone = 0;
            long warm = System.nanoTime() + 1_000_000_000L;
            long end = warm + (long) (seconds * 1e9);
            boolean measuring = false;
            int slot = 0;
            long published = 0;
            long waitingSince = 0;
            while (true) {
                int st = s.slotStatus(slot);
                if (st == SlotStatus.EMPTY || st == SlotStatus.DONE) {
                    if (batch == 0) {
                        s.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                    } else {
                        s.publishDeferred(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                        if ((published + 1) % batch == 0) {
                            s.flush();
                        }
                    }
                    published++;
                    waitingSince = 0;
                    slot = slot + 1 == ring ? 0 : slot + 1;
                } else {
                    s.flush();
                    if (waitingSince == 0) {
                        waitingSince = System.nanoTime();
                    } else {
                        stuck(s, slot, waitingSince);
                    }
                    Thread.onSpinWait();
                }
                if ((published & 1023) == 0) {
                    long now = System.nanoTime();
                    if (!measuring && now > warm) {
                        measuring = true;
                        start = now;
                        startDone = s.doneCount();
                    } else if (measuring && now > end) {
                        long done = s.doneCount();
                        return (done - startDone) / ((now - start) / 1e9);
                    }
                }
            }
        }
    }

    private static Map<String, Object> onePass(VulkanBackend b, int slots) {
        byte[] control = Megakernel.encodeControl(false, 1, 1024);
        byte[] ring = Megakernel.encodeEmptyRing(slots);
        for (int i = 0; i < slots; i++) {
            Megakernel.publishSlot(ring, i, 0, Opcodes.ATOMIC_ADD, 1, 160 + (i & 1023));
        }
        DispatchRequest r = DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64));
        b.dispatch(r);
        int runs = slots >= 65536 ? 20 : 100;
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            b.dispatch(r);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_ms", t[runs / 2] / 1e6);
        m.put("min_ms", t[0] / 1e6);
        return m;
    }

    private static Map<String, Object> percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.length);
        if (s.length > 0) {
            m.put("p50", s[(int) (s.length * 0.50)] / 1e3);
            m.put("p99", s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e3);
            m.put("p99.9", s[Math.min(s.length - 1, (int) (s.length * 0.999))] / 1e3);
            m.put("max", s[s.length - 1] / 1e3);
        }
        return m;
    }

    private static String toJson(Object o) {
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append('"').append(e.getKey()).append("\": ").append(toJson(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (o instanceof Number n) {
            return n instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : n.toString();
        }
        return '"' + String.valueOf(o).replace("\\", "\\\\").replace("\"", "'") + '"';
    }

}
