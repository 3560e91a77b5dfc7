package dev.vyre.bench;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Megakernel;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One-pass dispatch times of several backends side by side, through the user API: {@code Vyre.dispatch}
 * of a ring of N ATOMIC_ADD slots (slot i adds 1 to observable word i mod 1024), end to end (buffers
 * copied in, one pass, copied out). Every timed dispatch is checked: DONE_COUNT is N and the observable
 * words add up to N, so a backend that skips work cannot look fast.
 *
 * <pre>
 * OnePassBench [--backends cuda,opencl] [--slots 1,64,4096,65536] [--runs N] [--json FILE]
 * </pre>
 * Without {@code --backends}: every available backend. {@code --runs}: timed dispatches per size (default
 * 100; a fifth of it, at least 10, from 65,536 slots up), after 3 untimed ones. After the table, one line
 * per backend with its device details (the OpenCL backend's include its persistent-mode evidence).
 */
public final class OnePassBench {

    private static final int OBSERVABLE = 1024;

    /** One measured size. */
    record Row(String backend, String device, int slots, int runs, double medianMs, double p90Ms, double minMs) {
    }

    private OnePassBench() {
    }

    public static void main(String[] argv) {
        BenchMain.guard("OnePassBench", () -> runOnePassBench(argv));
    }

    private static void runOnePassBench(String[] argv) throws Exception {
        List<String> backends = new ArrayList<>();
        int[] sizes = {1, 64, 4096, 65536};
        int runs = 100;
        Path json = null;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            String value = i + 1 < argv.length ? argv[i + 1] : null;
            switch (a) {
                case "--backends" -> backends.addAll(List.of(require(a, value).split(",")));
                case "--slots" -> sizes = Arrays.stream(require(a, value).split(",")).mapToInt(Integer::parseInt).toArray();
                case "--runs" -> runs = Integer.parseInt(require(a, value));
                case "--json" -> json = Path.of(require(a, value));
                case "--help" -> {
                    System.out.println("usage: OnePassBench [--backends cuda,opencl] [--slots 1,64,4096,65536]"
                            + " [--runs N] [--json FILE]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + a
                        + ". Fix: use --backends, --slots, --runs or --json");
            }
            i++;
        }
        if (backends.isEmpty()) {
            for (BackendInfo b : Vyre.backends()) {
                if (b.available()) {
                    backends.add(b.name());
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        PrintStream out = System.out;
        out.println("| backend | device | slots | runs | median ms | p90 ms | min ms |");
        out.println("|---|---|---:|---:|---:|---:|---:|");
        for (String name : backends) {
            try (Vyre vyre = Vyre.open(name.strip())) {
                devices.add(vyre.name() + ": " + vyre.device().name() + " [" + vyre.device().driver() + "] "
                        + vyre.device().details());
                for (int n : sizes) {
                    Row r = measure(vyre, n, n >= 65536 ? Math.max(10, runs / 5) : runs);
                    rows.add(r);
                    out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.3f | %.3f | %.3f |%n", r.backend(), r.device(),
                            r.slots(), r.runs(), r.medianMs(), r.p90Ms(), r.minMs());
                }
            } catch (RuntimeException e) {
                out.println("| " + name + " | unavailable: " + e.getMessage().replace('|', '/') + " | | | | | |");
            }
        }
        out.println();
        devices.forEach(d -> out.println("device " + d));
        if (json != null) {
            Files.writeString(json, toJson(rows), StandardCharsets.UTF_8);
        }
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("option " + option + " needs a value. Fix: pass one after it");
        }
        return value;
    }

    static Row measure(Vyre vyre, int slots, int runs) {
        byte[] control = Megakernel.encodeControl(false, 1, OBSERVABLE);
        byte[] ring = Megakernel.encodeEmptyRing(slots);
        for (int i = 0; i < slots; i++) {
            Megakernel.publishSlot(ring, i, 0, Opcodes.ATOMIC_ADD, 1, 160 + (i % OBSERVABLE));
        }
        DispatchRequest request = DispatchRequest.of(control, ring, Megakernel.encodeEmptyDebugLog(64));
        for (int i = 0; i < 3; i++) {
            check(vyre.dispatch(request), slots);
        }
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            DispatchResult r = vyre.dispatch(request);
            t[i] = System.nanoTime() - t0;
            check(r, slots);
        }
        Arrays.sort(t);
        return new Row(vyre.name(), vyre.device().name(), slots, runs, t[runs / 2] / 1e6,
                t[Math.min(runs - 1, (int) (runs * 0.9))] / 1e6, t[0] / 1e6);
    }

    private static void check(DispatchResult r, int slots) {
        ByteBuffer c = ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (int k = 0; k < OBSERVABLE; k++) {
            sum += Integer.toUnsignedLong(c.getInt((160 + k) * 4));
        }
        if (c.getInt(4) != slots || sum != slots) {
            throw new IllegalStateException("a dispatch of " + slots + " slots ran " + c.getInt(4) + " (observable sum "
                    + sum + "). Fix: run vyre conform on this backend");
        }
    }

    private static String toJson(List<Row> rows) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(String.format(Locale.ROOT, "  {\"backend\": \"%s\", \"device\": \"%s\", \"slots\": %d, \"runs\": %d,"
                    + " \"median_ms\": %.4f, \"p90_ms\": %.4f, \"min_ms\": %.4f}%s%n", r.backend(),
                    r.device().replace("\"", "'"), r.slots(), r.runs(), r.medianMs(), r.p90Ms(), r.minMs(),
                    i + 1 < rows.size() ? "," : ""));
        }
        return b.append("]\n").toString();
    }
}
