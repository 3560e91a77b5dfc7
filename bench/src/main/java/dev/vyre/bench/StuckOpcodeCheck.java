package dev.vyre.bench;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.SlotStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A custom opcode stuck in a loop must not keep the process alive: this check starts itself in a child JVM,
 * which opens a persistent session, publishes one slot whose custom body loops, waits until the slot is CLAIMED,
 * then closes the session and the backend and returns from {@code main} (no {@code System.exit}). The parent
 * measures how long {@code Session.close()} took, how long {@code Vyre.close()} took, and how long the child JVM
 * took to exit after its {@code main} returned, and prints one line:
 *
 * <pre>
 * StuckOpcodeCheck PASS|FAIL backend=cuda body=poll session_close_ms=.. vyre_close_ms=.. exit_after_main_ms=..
 *     child_ms=.. close=clean|"the error's text"
 * </pre>
 *
 * <pre>
 * StuckOpcodeCheck [--backend cuda|vulkan|opencl|reference] [--body poll|ignore] [--stop-timeout-ms N]
 *                  [--timeout-s S]
 * </pre>
 *
 * <p>{@code --body poll} (default): the body spins until the abort flag ({@code vyre_abort_requested(ctx)} in
 * cuda-c and opencl-c, {@code vyre_abort_requested()} in glsl, {@code SlotContext.abortRequested()} in Java);
 * PASS when close succeeds (the interpreter stopped) and the child exits within {@code --timeout-s}.
 * {@code --body ignore}: the body spins on a control word nobody sets, ignoring the flag; PASS when close reports
 * the stuck slot (its text names "CLAIMED slots: 0") after its bounded wait ({@code --stop-timeout-ms}, the
 * session's {@code vyre.session.stopTimeoutMillis}, default 10,000), or is clean because the backend stopped the
 * body itself (the Vulkan backend makes every glsl loop poll the flag), and the child JVM still exits within
 * {@code --timeout-s} (default 120). Exit 0 on PASS, 1 on FAIL, 2 on a usage error.
 */
public final class StuckOpcodeCheck {

    private static final int OP = 0x2100;
    /** A control word nobody writes: the "ignore" body waits for it forever. */
    private static final int NEVER = 200;

    private record Args(String backend, String body, long stopTimeoutMillis, int timeoutSeconds, boolean child) {
    }

    public static void main(String[] argv) {
        BenchMain.guard("StuckOpcodeCheck", () -> runStuckOpcodeCheck(argv));
    }

    private static void runStuckOpcodeCheck(String[] argv) throws Exception {
        Args a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("StuckOpcodeCheck: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (a.child) {
            child(a);
            return; // no System.exit: the JVM must exit on its own
        }
        boolean ok = parent(a);
        System.exit(ok ? 0 : 1);
    }

    private static Args parse(String[] argv) {
        Map<String, String> o = BenchArgs.options(argv, List.of("backend", "body", "stop-timeout-ms", "timeout-s",
                "child"), List.of("child"));
        String backend = o.getOrDefault("backend", "cuda");
        if (!List.of("cuda", "vulkan", "opencl", "reference").contains(backend)) {
            throw new IllegalArgumentException("--backend " + backend + " is not cuda, vulkan, opencl or reference."
                    + " Fix: pick one of them");
        }
        String body = o.getOrDefault("body", "poll");
        if (!body.equals("poll") && !body.equals("ignore")) {
            throw new IllegalArgumentException("--body " + body + " is not poll or ignore. Fix: pass --body poll (the"
                    + " body polls the abort flag) or --body ignore");
        }
        long stop = BenchArgs.number("--stop-timeout-ms", o.getOrDefault("stop-timeout-ms", "10000"), 1, 600_000);
        int timeout = (int) BenchArgs.number("--timeout-s", o.getOrDefault("timeout-s", "120"), 1, 3_600);
        boolean child = o.containsKey("child");
        return new Args(backend, body, stop, timeout, child);
    }


    /** The custom opcode: its body in the backend's dialect, spinning until the abort flag (poll) or forever. */
    static CustomOpcode opcode(String backend, boolean poll) {
        return switch (backend) {
            case "cuda" -> CustomOpcode.of(OP).text("cuda-c", poll
                    ? "while (!vyre_abort_requested(ctx)) { __nanosleep(1000); }\nvyre_store_control(ctx, 161ull, 7u);"
                    : "while (vyre_load_control(ctx, " + NEVER + "ull) == 0u) { __nanosleep(1000); }").build();
            case "vulkan" -> CustomOpcode.of(OP).text("glsl", poll
                    ? "while (!vyre_abort_requested()) { }\nvyre_store_control(161u, 7u);"
                    : "while (vyre_load_control(" + NEVER + "u) == 0u) { }").build();
            case "opencl" -> CustomOpcode.of(OP).text("opencl-c", poll
                    ? "while (!vyre_abort_requested(ctx)) { }\nvyre_store_control(ctx, 161ul, 7u);"
                    : "while (vyre_load_control(ctx, " + NEVER + "ul) == 0u) { }").build();
            default -> CustomOpcode.java(OP, poll ? ctx -> {
                while (!ctx.abortRequested()) {
                    Thread.onSpinWait();
                }
                ctx.storeControl(161, 7);
            } : ctx -> {
                while (ctx.loadControl(NEVER) == 0) {
                    Thread.onSpinWait();
                }
            });
        };
    }

    /** The child JVM: open, publish the stuck slot, close, print the figures, return from main. */
    private static void child(Args a) throws InterruptedException {
        Vyre vyre = Vyre.open(a.backend);
        Session s = vyre.openSession(SessionOptions.builder().slotCount(64).observableSlots(64)
                .opcodes(CustomOpcodes.of(opcode(a.backend, a.body.equals("poll")))).build());
        s.publish(0, 0, OP, 0, 0, 0);
        if (!s.awaitSlotStatus(0, SlotStatus.CLAIMED, Duration.ofSeconds(60))) {
            System.out.println("child: slot 0 was never CLAIMED (status " + SlotStatus.name(s.slotStatus(0)) + ")");
        }
        Thread.sleep(500);
        String close = "clean";
        long t0 = System.nanoTime();
        try {
            s.close();
        } catch (RuntimeException e) {
            close = String.valueOf(e.getMessage()).replace('"', '\'');
        }
        long sessionClose = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        String vyreClose = "clean";
        try {
            vyre.close();
        } catch (RuntimeException e) {
            vyreClose = e.getMessage();
        }
        long vyreCloseMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.println("child: session_close_ms=" + sessionClose + " vyre_close_ms=" + vyreCloseMs
                + " vyre_close=\"" + vyreClose + "\" close=\"" + close + "\"");
        System.out.println("child: main_returns_at_ms=" + System.currentTimeMillis());
        System.out.flush();
    }

    /** Runs the child, reads its two lines, prints the verdict. */
    private static boolean parent(Args a) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dvyre.session.stopTimeoutMillis=" + a.stopTimeoutMillis));
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("vyre.") && !k.equals("vyre.session.stopTimeoutMillis"))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StuckOpcodeCheck.class.getName(), "--child",
                "--backend", a.backend, "--body", a.body));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the child went away
            }
        });
        boolean exited = p.waitFor(a.timeoutSeconds, TimeUnit.SECONDS);
        long exitedAtMs = System.currentTimeMillis();
        long childMs = (System.nanoTime() - start) / 1_000_000;
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        String figures = null;
        long mainReturn = -1;
        synchronized (lines) {
            for (String line : lines) {
                if (line.startsWith("child: session_close_ms=")) {
                    figures = line.substring("child: ".length());
                } else if (line.startsWith("child: main_returns_at_ms=")) {
                    mainReturn = Long.parseLong(line.substring("child: main_returns_at_ms=".length()).trim());
                } else if (!line.startsWith("WARNING")) {
                    System.out.println("  " + line);
                }
            }
        }
        boolean poll = a.body.equals("poll");
        String verdict;
        if (!exited) {
            verdict = "the child JVM did not exit within " + a.timeoutSeconds + " s"
                    + (mainReturn > 0 ? " of its start; its main returned " + (exitedAtMs - mainReturn) + " ms before"
                    + " it was killed" : " and its main never returned");
        } else if (figures == null) {
            verdict = "the child exited (code " + p.exitValue() + ") without its figures";
        } else if (poll && !figures.contains("close=\"clean\"")) {
            verdict = "close failed although the body polls the abort flag";
        } else if (!poll && !figures.contains("CLAIMED slots: 0 for >= ") && !figures.contains("close=\"clean\"")) {
            // a backend may stop an ignoring body itself (Vulkan polls the flag in every glsl loop): close is then clean
            verdict = "close neither stopped the body nor reported the stuck slot 0";
        } else {
            verdict = null;
        }
        System.out.println("StuckOpcodeCheck " + (verdict == null ? "PASS" : "FAIL") + " backend=" + a.backend
                + " body=" + a.body + " stop_timeout_ms=" + a.stopTimeoutMillis + " "
                + (figures == null ? "" : figures + " ") + "exit_after_main_ms="
                + (exited && mainReturn > 0 ? Long.toString(exitedAtMs - mainReturn) : "n/a") + " child_ms=" + childMs
                + (verdict == null ? "" : " | " + verdict));
        return verdict == null;
    }
}
