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
 *   <li>{@code persistent}: publish one ATOMIC_ADD slot, spin on its status until DONE (p50/p99/p99.9);</li>
 *   <li>{@code throughput}: one Java publisher over a recycled ring, slots/s from DONE_COUNT;</li>
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
                out.put("persistent_rtt_us", latency(b, seconds));
                out.put("throughput_slots_per_s", throughput(b, seconds));
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
                    if (++spins % 1_000_000 == 0 && !s.isAlive()) {
                        throw new IllegalStateException("the persistent shader stopped (watchdog)");
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

    private static double throughput(VulkanBackend b, double seconds) {
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
            while (true) {
                int st = s.slotStatus(slot);
                if (st == SlotStatus.EMPTY || st == SlotStatus.DONE) {
                    s.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                    published++;
                    slot = slot + 1 == ring ? 0 : slot + 1;
                } else {
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
