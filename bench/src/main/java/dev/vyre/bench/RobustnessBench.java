package dev.vyre.bench;

import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Robustness of a GPU backend through the user API only (GPU machine): {@code N} session
 * open/publish/close cycles with GPU memory from nvidia-smi before and after, then a watchdog check
 * with a custom opcode that never returns (its CUDA and GLSL bodies spin forever): a wait must fail
 * with a {@code Fix:} instead of hanging. The stalled kernel keeps the GPU until the process ends,
 * so this runs last and the process halts.
 *
 * <p>Usage: {@code RobustnessBench --backend NAME [--cycles N] [--no-watchdog]}.
 */
public final class RobustnessBench {

    private static final int HANG_OPCODE = 0x777;

    private RobustnessBench() {
    }

    public static void main(String[] argv) {
        BenchMain.guard("RobustnessBench", () -> runRobustnessBench(argv));
    }

    private static void runRobustnessBench(String[] argv) throws Exception {
        String name = null;
        int cycles = 1000;
        boolean watchdog = true;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--backend" -> name = argv[++i];
                case "--cycles" -> cycles = Integer.parseInt(argv[++i]);
                case "--no-watchdog" -> watchdog = false;
                default -> throw new IllegalArgumentException("unknown option " + argv[i]
                        + ". Fix: use --backend NAME, --cycles N, --no-watchdog");
            }
        }
        Vyre backend = Vyre.open(name);
        System.out.println("backend " + backend.name() + " on " + backend.device().name());
        cycles(backend, cycles);
        if (watchdog) {
            watchdog(backend);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        backend.close();
    }

    private static void cycles(Vyre backend, int cycles) {
        SessionOptions options = SessionOptions.builder().slotCount(1024).build();
        runOnce(backend, options, 0);
        String before = gpuMemoryUsed();
        long t0 = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            runOnce(backend, options, i);
        }
        long t1 = System.nanoTime();
        System.out.printf(Locale.ROOT, "%d open/publish/close cycles in %.2f s; GPU memory used %s -> %s%n", cycles,
                (t1 - t0) / 1e9, before, gpuMemoryUsed());
    }

    private static void runOnce(Vyre backend, SessionOptions options, int i) {
        try (Session s = backend.openSession(options)) {
            int slot = i & 1023;
            s.publish(slot, 0, Opcodes.NOP, 0, 0, 0);
            if (!s.awaitSlotStatus(slot, SlotStatus.DONE, Duration.ofSeconds(5))) {
                throw new IllegalStateException("cycle " + i + ": slot not DONE within 5 s. Fix: backend bug");
            }
        }
    }

    private static void watchdog(Vyre backend) {
        CustomOpcodes hang = CustomOpcodes.of(CustomOpcode.of(HANG_OPCODE)
                .text("cuda-c", "for (;;) { asm volatile(\"nanosleep.u32 1000;\"); }")
                .text("glsl", "while (vyre_load_control(0u) != 0xFFFFFFFFu) { }").build());
        Session s = backend.openSession(SessionOptions.builder().slotCount(16).opcodes(hang).build());
        s.publish(0, 0, HANG_OPCODE, 0, 0, 0);
        s.publish(1, 0, Opcodes.NOP, 0, 0, 0);
        long t0 = System.nanoTime();
        String outcome;
        try {
            boolean done = s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20));
            outcome = "await returned " + done + " after " + seconds(t0) + " s";
        } catch (RuntimeException e) {
            outcome = "await threw after " + seconds(t0) + " s: " + e.getMessage();
        }
        System.out.println("watchdog: " + outcome + "; isAlive=" + s.isAlive());
        long t1 = System.nanoTime();
        try {
            s.close();
            System.out.println("watchdog: close returned after " + seconds(t1) + " s");
        } catch (RuntimeException e) {
            System.out.println("watchdog: close reported after " + seconds(t1) + " s: " + e.getMessage());
        }
    }

    private static String seconds(long since) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - since) / 1e9);
    }

    private static String gpuMemoryUsed() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return text;
        } catch (IOException e) {
            return "(nvidia-smi unavailable)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
