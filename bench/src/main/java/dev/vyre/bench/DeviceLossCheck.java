package dev.vyre.bench;

import dev.vyre.api.DeviceLossException;
import dev.vyre.api.Recovery;
import dev.vyre.api.RecoveryResult;
import dev.vyre.api.ReplayLogOptions;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.SlotContext;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import dev.vyre.protocol.replay.ReplayLogFormat;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Device-loss recovery on a real GPU: a custom opcode executes the PTX {@code trap} instruction in one chosen
 * slot, which kills the CUDA context with a sticky error; the session reports the slots that did not finish;
 * they are re-run from the full-image replay log on a fresh session, and every slot is checked to have run
 * exactly once. Prints one {@code DeviceLossCheck PASS|FAIL ...} line; exit 0 on PASS, 1 on FAIL, 2 on a usage
 * error.
 *
 * <pre>
 * DeviceLossCheck [--backend cuda] [--recover-on cuda|reference] [--slots N] [--trap-slot K] [--log FILE]
 *                 [--timeout-s S]
 * </pre>
 *
 * <p>Slot {@code i} (0..N-1) runs opcode {@value #MARK}: it ATOMIC_ADDs {@code 1 << (i % 32)} into observable
 * word {@code i / 32} (the control buffer, device memory on CUDA) and adds {@code i + 1} to data-buffer word
 * {@code 1 + i} (pinned host memory, readable after the loss), then fences system-wide. Slot K carries a
 * token in argument 2 and traps when data word 0 holds that token, which the host sets on the first session
 * only (a recovery session's data buffer starts zeroed, so the re-run does not trap).
 *
 * <p>Checks. On the lost session: the loss surfaces as a {@link DeviceLossException}, settled, naming slot K;
 * every finished slot's data word is exactly {@code i + 1} (ran once); every unfinished slot's is 0 or
 * {@code i + 1} (a slot cut off mid-run may have written it; counted as "partial"). On the recovery session:
 * exactly the unfinished slots ran (the observable bits equal the unfinished set, DONE_COUNT its size) and, on
 * CUDA, each re-run slot's data word is {@code i + 1} and every other one 0.
 *
 * <p>Recovery on CUDA runs in a new JVM: CUDA leaves a process whose context took a sticky error unable to use
 * the device again ("the process must be terminated and relaunched"), so the check starts itself with
 * {@code --recover-child} and the log and slot list, the way an application recovers after a restart
 * ({@code Recovery.rerun(log, slots, session, timeout)}). {@code --recover-on reference} recovers in this
 * process, from the exception ({@code Recovery.rerun(lost, session, timeout)}).
 */
public final class DeviceLossCheck {

    /** The marking opcode. */
    static final int MARK = 0x7A01;
    /** The value in argument 2 and data word 0 that makes a slot trap. */
    static final int TOKEN = 0x7A5A7A5A;

    static final String CUDA_BODY = """
            const u32 i = vyre_arg(ctx, 0);
            const u32 v = vyre_arg(ctx, 1);
            volatile u32* words = (volatile u32*)ctx.data;
            const u64 n = ctx.dataBytes >> 2;
            if (vyre_arg(ctx, 2) != 0u && n > 0ull && words[0] == vyre_arg(ctx, 2)) {
                asm volatile("trap;");
            }
            vyre_atomic_add_control(ctx, 160ull + (u64)(i >> 5), 1u << (i & 31u));
            if ((u64)i + 1ull < n) {
                words[1 + i] = words[1 + i] + v;
                __threadfence_system();
            }
            """;

    private DeviceLossCheck() {
    }

    private record Args(String backend, String recoverOn, int slots, int trapSlot, Path log, int timeoutSeconds,
                        boolean child, Path unfinishedFile) {
    }

    public static void main(String[] argv) {
        Args a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("DeviceLossCheck: " + e.getMessage());
            System.exit(2);
            return;
        }
        String verdict;
        boolean ok;
        try {
            verdict = a.child ? child(a) : run(a);
            ok = true;
        } catch (CheckFailed e) {
            verdict = e.getMessage();
            ok = false;
        } catch (RuntimeException e) {
            if (System.getenv("VYRE_DEBUG") != null) {
                e.printStackTrace();
            }
            verdict = e.getClass().getSimpleName() + ": " + e.getMessage();
            ok = false;
        }
        String prefix = a.child ? "DeviceLossCheck recovery child " : "DeviceLossCheck ";
        System.out.println(prefix + (ok ? "PASS: " : "FAIL: ") + verdict);
        System.exit(ok ? 0 : 1);
    }

    private static Args parse(String[] argv) {
        Map<String, String> o = BenchArgs.options(argv, List.of("backend", "recover-on", "slots", "trap-slot", "log",
                "timeout-s", "unfinished", "recover-child"), List.of("recover-child"));
        String backend = o.getOrDefault("backend", "cuda");
        String recoverOn = o.get("recover-on");
        int slots = (int) BenchArgs.number("--slots", o.getOrDefault("slots", "4096"), 64, 1 << 16);
        Integer trap = o.containsKey("trap-slot")
                ? (int) BenchArgs.number("--trap-slot", o.get("trap-slot"), 0, Integer.MAX_VALUE) : null;
        Path log = o.containsKey("log") ? Path.of(o.get("log")) : null;
        int timeout = (int) BenchArgs.number("--timeout-s", o.getOrDefault("timeout-s", "60"), 1, 3600);
        boolean child = o.containsKey("recover-child");
        Path unfinished = o.containsKey("unfinished") ? Path.of(o.get("unfinished")) : null;
        int k = trap == null ? slots / 2 : trap;
        if (k >= slots) {
            throw new IllegalArgumentException("--trap-slot " + k + " is not below --slots " + slots
                    + ". Fix: pick a slot in 0.." + (slots - 1));
        }
        if (recoverOn == null) {
            recoverOn = backend;
        }
        if (child && (log == null || unfinished == null)) {
            throw new IllegalArgumentException("--recover-child needs --log and --unfinished. Fix: let the check"
                    + " start its recovery child itself");
        }
        if (log == null) {
            try {
                log = Files.createTempFile("vyre-device-loss-", ".vrri");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot create a temporary log: " + e.getMessage()
                        + ". Fix: pass --log FILE on a writable file system");
            }
        }
        return new Args(backend, recoverOn, slots, k, log, timeout, child, unfinished);
    }


    /** The session every side opens: same geometry and opcode; records only when {@code log} is given. */
    static SessionOptions options(int slots, Path log) {
        CustomOpcodes opcodes = CustomOpcodes.of(CustomOpcode.of(MARK).java(DeviceLossCheck::mark)
                .text("cuda-c", CUDA_BODY).build());
        SessionOptions.Builder b = SessionOptions.builder().slotCount(slots).tenantCount(1)
                .observableSlots((slots + 31) / 32).dataBufferBytes(4L * (slots + 1)).opcodes(opcodes);
        if (log != null) {
            b.replayLog(new ReplayLogOptions(log, slots, ReplayLogFormat.FULL_IMAGE, false));
        }
        return b.build();
    }

    /** The opcode on the JVM interpreters: the control-buffer half of the CUDA body (they cannot trap). */
    private static void mark(SlotContext c) {
        int i = c.arg(0);
        c.atomicAddControl(160L + (i >>> 5), 1 << (i & 31));
    }

    private static String run(Args a) {
        SessionOptions options = options(a.slots, a.log);
        DeviceLossException lost;
        BitSet finished = new BitSet();
        int partial = 0;
        long t0 = System.nanoTime();
        String closeNote = "";
        Vyre gpu = Vyre.open(a.backend);
        try {
            Session s = gpu.openSession(options);
            MemorySegment data = s.dataBuffer();
            Words.set(data, 0, TOKEN);
            lost = publishUntilLost(s, a);
            if (lost == null) {
                s.close();
                throw new CheckFailed("backend '" + a.backend + "' ran all " + a.slots + " slots: the trap in slot "
                        + a.trapSlot + " did not lose the device (this check needs CUDA)");
            }
            int[] unfinished = lost.unfinishedSlots();
            BitSet u = bits(unfinished);
            if (!lost.settled()) {
                throw new CheckFailed("the loss is not settled: " + lost.getMessage());
            }
            if (!u.get(a.trapSlot)) {
                throw new CheckFailed("the trapping slot " + a.trapSlot + " is reported finished");
            }
            if (lost.pendingRecords().size() != unfinished.length) {
                throw new CheckFailed(lost.pendingRecords().size() + " records for " + unfinished.length
                        + " unfinished slots");
            }
            for (int i = 0; i < a.slots; i++) {
                int word = Words.getAcquire(data, 1 + i);
                int status = s.slotStatus(i);
                if (u.get(i)) {
                    if (word != 0 && word != i + 1) {
                        throw new CheckFailed("unfinished slot " + i + " left data word " + word + " (0 or " + (i + 1)
                                + " expected)");
                    }
                    partial += word == 0 ? 0 : 1;
                } else {
                    finished.set(i);
                    if (status != SlotStatus.DONE || word != i + 1) {
                        throw new CheckFailed("finished slot " + i + " has status " + status + " and data word "
                                + word + " (DONE and " + (i + 1) + " expected: exactly one run)");
                    }
                }
            }
            if (!a.recoverOn.equals("reference")) {
                writeSlots(a.log.resolveSibling(a.log.getFileName() + ".unfinished"), unfinished);
            }
            s.close();
        } catch (CheckFailed failed) {
            throw failed;
        } catch (RuntimeException e) {
            throw new CheckFailed("the backend failed outside the checked path: " + e.getMessage());
        } finally {
            try {
                gpu.close();
            } catch (RuntimeException e) {
                closeNote = " (closing the lost backend reported: " + e.getMessage() + ")";
            }
        }
        int[] unfinished = lost.unfinishedSlots();
        String recovered;
        if (a.recoverOn.equals("reference")) {
            try (Vyre ref = Vyre.open("reference"); Session r = ref.openSession(Recovery.optionsFor(lost, null))) {
                RecoveryResult result = Recovery.rerun(lost, r, Duration.ofSeconds(a.timeoutSeconds));
                verifyRecovery(r, unfinished, a.slots, false);
                recovered = "re-run on reference in this process: " + result.done() + " DONE";
            }
        } else {
            recovered = recoverInChild(a, unfinished);
        }
        String cause = lost.getCause() == null ? "?" : lost.getCause().getMessage();
        int fixAt = cause.indexOf(". Fix:");
        return String.format(Locale.ROOT, "backend=%s slots=%d trap-slot=%d: device lost (%s); %d finished on the lost"
                        + " device, %d unfinished (%d had written their data word before the loss), %s; every slot ran"
                        + " exactly once (%.1f s)", a.backend, a.slots, a.trapSlot,
                fixAt < 0 ? cause : cause.substring(0, fixAt), finished.cardinality(), unfinished.length, partial,
                recovered, (System.nanoTime() - t0) / 1e9) + closeNote;
    }

    /** Publishes every slot in runs of 256 and waits for all; returns the loss, or null when none came. */
    private static DeviceLossException publishUntilLost(Session s, Args a) {
        MemorySegment images = MemorySegment.ofArray(new int[256 * SlotLayout.SLOT_WORDS]);
        try {
            for (int first = 0; first < a.slots; first += 256) {
                int n = Math.min(256, a.slots - first);
                for (int j = 0; j < n; j++) {
                    int i = first + j;
                    Slots.encode(images, j, 0, MARK, i, i + 1, i == a.trapSlot ? TOKEN : 0);
                }
                if (s.publishSlots(first, images, n) != n) {
                    throw new CheckFailed("a fresh ring refused slots " + first + ".." + (first + n - 1));
                }
            }
            boolean all = s.awaitDoneCount(a.slots, Duration.ofSeconds(a.timeoutSeconds));
            if (!all) {
                throw new CheckFailed("neither all slots finished nor the device was reported lost within "
                        + a.timeoutSeconds + " s (DONE_COUNT " + s.doneCount() + ")");
            }
            return null;
        } catch (DeviceLossException lost) {
            return lost;
        }
    }

    /** Starts this check with {@code --recover-child} in a new JVM and waits for its verdict. */
    private static String recoverInChild(Args a, int[] unfinished) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("vyre."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DeviceLossCheck.class.getName(),
                "--recover-child", "--backend", a.recoverOn, "--slots", Integer.toString(a.slots), "--trap-slot",
                Integer.toString(a.trapSlot), "--log", a.log.toString(), "--unfinished",
                a.log.resolveSibling(a.log.getFileName() + ".unfinished").toString(), "--timeout-s",
                Integer.toString(a.timeoutSeconds)));
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(a.timeoutSeconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CheckFailed("the recovery child did not finish within " + (a.timeoutSeconds + 60) + " s");
            }
            if (p.exitValue() != 0) {
                throw new CheckFailed("the recovery child on '" + a.recoverOn + "' failed (exit " + p.exitValue()
                        + "; its line is above)");
            }
        } catch (IOException e) {
            throw new CheckFailed("cannot start the recovery child: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted while waiting for the recovery child");
        }
        return "re-run on " + a.recoverOn + " in a new process: " + unfinished.length + " DONE";
    }

    /** The recovery child: a fresh session, the unfinished slots from the log, then the exactly-once checks. */
    private static String child(Args a) {
        int[] unfinished = readSlots(a.unfinishedFile);
        try (Vyre v = Vyre.open(a.backend); Session r = v.openSession(options(a.slots, null))) {
            RecoveryResult result = Recovery.rerun(a.log, unfinished, r, Duration.ofSeconds(a.timeoutSeconds));
            if (result.done() != unfinished.length) {
                throw new CheckFailed(result.done() + " of " + unfinished.length + " re-run slots reached DONE");
            }
            verifyRecovery(r, unfinished, a.slots, true);
            return "backend=" + v.name() + ": re-ran " + unfinished.length + " slots from " + a.log + " in "
                    + result.nanos() / 1_000_000 + " ms, each exactly once, no other slot";
        }
    }

    /** Exactly the unfinished slots ran on {@code r}: observable bits, DONE_COUNT and (CUDA) data words. */
    private static void verifyRecovery(Session r, int[] unfinished, int slots, boolean dataWords) {
        BitSet u = bits(unfinished);
        byte[] control = r.controlSnapshot();
        MemorySegment c = MemorySegment.ofArray(control);
        for (int w = 0; w < (slots + 31) / 32; w++) {
            int expected = 0;
            for (int b = 0; b < 32 && w * 32 + b < slots; b++) {
                expected |= u.get(w * 32 + b) ? 1 << b : 0;
            }
            int got = Words.get(c, 160 + w);
            if (got != expected) {
                throw new CheckFailed("observable word " + w + " of the recovery session is 0x" + Integer.toHexString(got)
                        + ", expected 0x" + Integer.toHexString(expected) + " (bits of the unfinished slots only)");
            }
        }
        int done = Words.get(c, 1);
        if (done != unfinished.length) {
            throw new CheckFailed("the recovery session's DONE_COUNT is " + done + ", expected " + unfinished.length);
        }
        if (dataWords && r.backendName().equals("cuda")) {
            MemorySegment data = r.dataBuffer();
            for (int i = 0; i < slots; i++) {
                int word = Words.getAcquire(data, 1 + i);
                int expected = u.get(i) ? i + 1 : 0;
                if (word != expected) {
                    throw new CheckFailed("data word of slot " + i + " is " + word + " on the recovery session, expected "
                            + expected);
                }
            }
        }
    }

    private static BitSet bits(int[] slots) {
        BitSet b = new BitSet();
        for (int s : slots) {
            b.set(s);
        }
        return b;
    }

    private static void writeSlots(Path file, int[] slots) {
        try {
            Files.writeString(file, Arrays.stream(slots).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        } catch (IOException e) {
            throw new CheckFailed("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static int[] readSlots(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? new int[0] : Arrays.stream(text.split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (IOException | NumberFormatException e) {
            throw new CheckFailed("cannot read the unfinished slots from " + file + ": " + e.getMessage());
        }
    }

    /** A failed check, caught in {@link #main}: its message is the FAIL line (it never leaves this class). */
    private static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message);
        }
    }
}
