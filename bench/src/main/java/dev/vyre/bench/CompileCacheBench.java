package dev.vyre.bench;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.DispatchRequest;
import dev.vyre.api.DispatchResult;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.ir.IrOpcodes;
import dev.vyre.ir.Programs;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Time to register an IR opcode ({@code IrOpcodes.irOpcode(0x2001, Programs.crc32c(4096))}) and open a
 * session with it, cold (an empty compile-cache directory: the backend compiles) and warm (the directory
 * the cold run filled, in a new JVM: nothing to compile), per backend. Each measurement runs in a JVM of
 * its own (this class started again with {@code --child}), so "warm" is what a new process sees.
 *
 * <p>In each JVM: open the backend (not timed); a baseline (a session, or a one-pass dispatch, without
 * custom opcodes: what registration adds to); <b>register</b>: build the opcode and open a session with
 * it (or run a one-pass dispatch with it where the backend runs no persistent session, e.g. lavapipe); the
 * same again on the same backend (the memory store); again on a new backend instance in the same JVM.
 * Every registration is verified: the opcode's CRC-32C of 64 data bytes must equal
 * {@link java.util.zip.CRC32C}. The target is a warm registration in at most 50 ms.
 *
 * <pre>
 * CompileCacheBench [--backends reference,vulkan,cuda] [--runs N] [--mode auto|session|dispatch] [--dir DIR]
 * </pre>
 * {@code --runs}: warm JVMs per backend (default 3). {@code --dir}: where the cache directories go (default
 * a new temporary directory, deleted afterwards). System properties {@code -Dvyre.*} are passed to the
 * child JVMs. Exit code 1 when a registration was not verified or a child JVM failed.
 */
public final class CompileCacheBench {

    private static final int OPCODE = 0x2001;
    private static final int DATA_BYTES = 4096;
    private static final int CRC_START = 5;
    private static final int CRC_BYTES = 64;
    private static final double TARGET_MS = 50;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private CompileCacheBench() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] argv) throws Exception {
        Map<String, String> args;
        try {
            args = parse(argv);
            validate(args);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            System.err.println("CompileCacheBench: " + m + (m.contains("Fix:") ? "" : ". Fix: see --help"));
            System.exit(2);
            return;
        }
        if (args.containsKey("help")) {
            System.out.println("usage: CompileCacheBench [--backends reference,vulkan,cuda] [--runs N]"
                    + " [--mode auto|session|dispatch] [--dir DIR]");
            return;
        }
        if (args.containsKey("child")) {
            System.exit(child(args.get("backend"), args.getOrDefault("mode", "auto"), args.get("label"),
                    Path.of(args.get("cache")), System.out) ? 0 : 1);
            return;
        }
        System.exit(parent(args, System.out) ? 0 : 1);
    }

    private static void validate(Map<String, String> args) {
        if (!List.of("auto", "session", "dispatch").contains(args.getOrDefault("mode", "auto"))) {
            throw new IllegalArgumentException("--mode must be auto, session or dispatch, not " + args.get("mode"));
        }
        String runs = args.getOrDefault("runs", "3");
        if (!runs.matches("[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("--runs must be 1..999, not " + runs);
        }
        if (args.containsKey("child") && (args.get("backend") == null || args.get("label") == null
                || args.get("cache") == null)) {
            throw new IllegalArgumentException("--child needs --backend, --label and --cache");
        }
    }

    // ------------------------------------------------------------------ parent: one JVM per measurement

    private static boolean parent(Map<String, String> args, PrintStream out) throws IOException, InterruptedException {
        List<String> wanted = List.of(args.getOrDefault("backends", "reference,vulkan,cuda").split(","));
        int runs = Integer.parseInt(args.getOrDefault("runs", "3"));
        String mode = args.getOrDefault("mode", "auto");
        Map<String, BackendInfo> found = new LinkedHashMap<>();
        for (BackendInfo info : Vyre.backends()) {
            found.put(info.name(), info);
        }
        boolean keep = args.containsKey("dir");
        Path base = keep ? Files.createDirectories(Path.of(args.get("dir")))
                : Files.createTempDirectory("vyre-compile-cache-bench-");
        List<Map<String, String>> rows = new ArrayList<>();
        boolean ok = true;
        try {
            for (String backend : wanted) {
                BackendInfo info = found.get(backend);
                if (info == null || !info.available()) {
                    out.println(backend + ": skipped (" + (info == null ? "not on the class path" : info.reason()) + ")");
                    continue;
                }
                Path cache = base.resolve(backend);
                deleteTree(cache);
                List<String> labels = new ArrayList<>(List.of("cold"));
                for (int i = 1; i <= runs; i++) {
                    labels.add("warm-" + i);
                }
                for (String label : labels) {
                    Map<String, String> row = runChild(backend, mode, label, cache, out);
                    rows.add(row);
                    ok &= "true".equals(row.get("verified"));
                }
            }
        } finally {
            if (!keep) {
                deleteTree(base);
            }
        }
        out.println();
        out.println("| backend | mode | run | open backend | baseline | register + open | of which building the"
                + " opcode | same backend again | new backend, same JVM | new cache files | verified |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Map<String, String> r : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.get("backend"),
                    r.getOrDefault("mode", "-"), r.get("label"), ms(r, "open_ms"), ms(r, "baseline_ms"),
                    ms(r, "register_ms"), ms(r, "build_ms"), ms(r, "again_ms"), ms(r, "new_backend_ms"), r.getOrDefault("new_files", "-"),
                    r.getOrDefault("verified", "false"));
        }
        out.println();
        for (String backend : wanted) {
            List<Map<String, String>> warm = rows.stream()
                    .filter(r -> r.get("backend").equals(backend) && r.get("label").startsWith("warm")
                            && r.containsKey("register_ms")).toList();
            Map<String, String> cold = rows.stream().filter(r -> r.get("backend").equals(backend)
                    && r.get("label").equals("cold") && r.containsKey("register_ms")).findFirst().orElse(null);
            if (warm.isEmpty() || cold == null) {
                continue;
            }
            double[] w = warm.stream().mapToDouble(r -> Double.parseDouble(r.get("register_ms"))).sorted().toArray();
            double median = w[w.length / 2];
            out.printf(Locale.ROOT, "%s: register + open, cold %.1f ms, warm (new JVM) median %.1f ms of %d"
                            + " (baseline %s ms) -> target <= %.0f ms: %s%n", backend,
                    Double.parseDouble(cold.get("register_ms")), median, w.length, warm.getFirst().get("baseline_ms"),
                    TARGET_MS, median <= TARGET_MS ? "met" : "MISSED");
        }
        if (!ok) {
            System.err.println("CompileCacheBench: a registration was not verified or a JVM failed (table above)."
                    + " Fix: report the backend, its device and the table; the opcode computed a wrong CRC-32C");
        }
        return ok;
    }

    private static String ms(Map<String, String> r, String key) {
        return r.containsKey(key) ? r.get(key) + " ms" : "-";
    }

    /** Runs one measurement in a new JVM; @return its RESULT fields (verified=false when it failed) */
    private static Map<String, String> runChild(String backend, String mode, String label, Path cache, PrintStream out)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED");
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("vyre.") && !name.equals("vyre.cache.dir")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-Dvyre.cache.dir=" + cache);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CompileCacheBench.class.getName(),
                "--child", "--backend", backend, "--mode", mode, "--label", label, "--cache", cache.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String> row = new LinkedHashMap<>();
        row.put("backend", backend);
        row.put("label", label);
        String last = "";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    for (String field : line.substring(7).split(" ")) {
                        int eq = field.indexOf('=');
                        row.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                } else if (!line.isBlank()) {
                    last = line;
                    out.println("  [" + backend + " " + label + "] " + line);
                }
            }
        }
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            row.put("verified", "false");
            out.println(backend + " " + label + ": the JVM did not finish in 300 s");
        } else if (p.exitValue() != 0) {
            row.put("verified", "false");
            out.println(backend + " " + label + ": the JVM exited " + p.exitValue() + ": " + last);
        }
        row.put("backend", backend);
        row.put("label", label);
        return row;
    }

    // ------------------------------------------------------------------ child: one measurement

    /** @return true when every registration computed the right CRC-32C */
    private static boolean child(String backend, String requestedMode, String label, Path cache, PrintStream out)
            throws IOException {
        byte[] data = new byte[DATA_BYTES];
        new Random(0xC0FFEE).nextBytes(data);
        CRC32C crc = new CRC32C();
        crc.update(data, CRC_START, CRC_BYTES);
        int expected = (int) crc.getValue();
        List<String> before = files(cache);
        long t0 = System.nanoTime();
        Vyre vyre = Vyre.open(backend);
        double openMs = ms(t0);
        boolean session = switch (requestedMode) {
            case "session" -> true;
            case "dispatch" -> false;
            default -> vyre.features().persistent();
        };
        boolean verified = true;
        Outcome baseline;
        Outcome register;
        Outcome again;
        Outcome newBackend;
        try {
            run(vyre, session, data, false); // warms the built-in kernel and the device
            baseline = run(vyre, session, data, false);
            if (Boolean.getBoolean(PROBE_NVRTC_PROPERTY)) {
                probeNvrtc(out);
            }
            register = run(vyre, session, data, true);
            again = run(vyre, session, data, true);
        } finally {
            vyre.close();
        }
        try (Vyre second = Vyre.open(backend)) {
            newBackend = run(second, session, data, true);
        }
        verified &= register.crc() == expected && again.crc() == expected && newBackend.crc() == expected;
        List<String> after = files(cache);
        long added = after.stream().filter(f -> !before.contains(f)).count();
        long bytes = 0;
        for (String f : after) {
            bytes += Files.size(cache.resolve(f));
        }
        out.printf(Locale.ROOT, "RESULT backend=%s label=%s mode=%s open_ms=%.1f baseline_ms=%.1f register_ms=%.1f"
                        + " build_ms=%.1f again_ms=%.1f new_backend_ms=%.1f new_files=%d files=%d bytes=%d verified=%b%n",
                backend, label, session ? "session" : "dispatch", openMs, baseline.ms(), register.ms(), register.buildMs(),
                again.ms(),
                newBackend.ms(), added, after.size(), bytes, verified);
        return verified;
    }

    /**
     * Diagnostic ({@code -Dvyre.bench.probeNvrtc=true}): before the timed registration, opens the NVRTC library
     * (the first foreign-function call of a CUDA process) and then the CUDA backend's NVRTC binding, each timed,
     * so the registration that follows shows what is left without them.
     */
    static final String PROBE_NVRTC_PROPERTY = "vyre.bench.probeNvrtc";

    private static void probeNvrtc(PrintStream out) {
        long t0 = System.nanoTime();
        String opened = "none";
        for (String name : List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so")) {
            try {
                SymbolLookup.libraryLookup(name, Arena.global());
                opened = name;
                break;
            } catch (IllegalArgumentException notHere) {
                // the next name
            }
        }
        double dlopenMs = ms(t0);
        long t1 = System.nanoTime();
        String binding;
        try {
            var shared = Class.forName("dev.vyre.backend.cuda.Nvrtc").getDeclaredMethod("shared");
            shared.setAccessible(true);
            shared.invoke(null);
            binding = "loaded";
        } catch (ReflectiveOperationException | RuntimeException e) {
            binding = "failed: " + e;
        }
        out.printf(Locale.ROOT, "PROBE nvrtc library %s: dlopen %.1f ms; binding %s in %.1f ms%n", opened, dlopenMs,
                binding, ms(t1));
    }

    /**
     * @param ms      the timed part: building the opcode and opening the session (or the whole dispatch)
     * @param buildMs of which building the opcode ({@code IrOpcodes.irOpcode}: evaluator and text lowerings)
     * @param crc     the CRC-32C the opcode wrote (0 without it)
     */
    private record Outcome(double ms, double buildMs, int crc) {
    }

    /**
     * Times building the IR opcode (or none) and opening a session with it, where the backend runs
     * persistent sessions, else a one-pass dispatch with it; then (not timed) runs one slot of it.
     */
    private static Outcome run(Vyre vyre, boolean session, byte[] data, boolean withOpcode) {
        long t0 = System.nanoTime();
        CustomOpcodes opcodes = withOpcode
                ? CustomOpcodes.of(IrOpcodes.irOpcode(OPCODE, Programs.crc32c(DATA_BYTES))) : CustomOpcodes.none();
        double buildMs = ms(t0);
        if (session) {
            SessionOptions options = SessionOptions.builder().slotCount(64).tenantCount(1).observableSlots(16)
                    .dataBufferBytes(DATA_BYTES).opcodes(opcodes).build();
            try (Session s = vyre.openSession(options)) {
                double ms = ms(t0);
                if (!withOpcode) {
                    return new Outcome(ms, buildMs, 0);
                }
                MemorySegment.copy(data, 0, s.dataBuffer(), ValueLayout.JAVA_BYTE, 0, data.length);
                s.publish(0, 0, OPCODE, CRC_START, CRC_BYTES, 0);
                if (!s.awaitSlotStatus(0, SlotStatus.DONE, WAIT)) {
                    throw new IllegalStateException("the IR opcode's slot did not finish in " + WAIT.toSeconds()
                            + " s. Fix: report the backend and its device");
                }
                return new Outcome(ms, buildMs, s.controlWord(160));
            }
        }
        byte[] control = ControlCodec.encodeControl(false, 1, 16);
        byte[] ring = new byte[64];
        if (withOpcode) {
            RingPublisher.publishSlot(ring, 0, 0, OPCODE, CRC_START, CRC_BYTES, 0);
        }
        DispatchResult r = vyre.dispatch(DispatchRequest.of(control, ring, new byte[1028]).withData(data)
                .withOpcodes(opcodes));
        return new Outcome(ms(t0), buildMs, ByteBuffer.wrap(r.control()).order(ByteOrder.LITTLE_ENDIAN).getInt(160 * 4));
    }

    private static double ms(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e5) / 10.0;
    }

    private static List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Map<String, String> parse(String[] argv) {
        return BenchArgs.options(argv, List.of("help", "child", "backends", "runs", "mode", "dir", "backend", "label",
                "cache"), List.of("help", "child"));
    }
}
