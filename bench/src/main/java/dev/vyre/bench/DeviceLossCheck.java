package dev.vyre.bench;

import dev.vyre.api.DeviceLossException;
import dev.vyre.api.Recovery;
import dev.vyre.api.RecoveryResult;
import dev.vyre.api.ReplayLogOptions;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Slots;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
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
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Device-loss recovery on a real GPU, on CUDA or Vulkan: a custom opcode makes the device fault in one chosen
 * slot, the session reports the slots that did not finish ({@link DeviceLossException}), they are re-run from the
 * full-image replay log on a fresh session, and every slot is checked to have run exactly once. Prints one
 * {@code DeviceLossCheck PASS|FAIL ...} line; exit 0 on PASS, 1 on FAIL, 2 on a usage error.
 *
 * <pre>
 * DeviceLossCheck [--backend cuda|vulkan] [--recover-on cuda|vulkan|reference] [--slots N] [--trap-slot K]
 *                 [--log FILE] [--timeout-s S]
 * </pre>
 *
 * <p>Slot {@code i} (0..N-1) runs opcode {@value #MARK} with the arguments {@code i}, {@code i + 1}, a token (slot
 * K only) and the index of its run counter ({@link #counterWord}). Every body ATOMIC_ADDs {@code 1 << (i % 32)}
 * into observable word {@code i / 32} (its mark) and {@code i + 1} into its run counter, observable word
 * {@code (N + 31) / 32 + i}; the {@code cuda-c} body also adds {@code i + 1} to data-buffer word {@code 1 + i}
 * (pinned host memory, readable after the loss) and fences system-wide (a {@code glsl} body cannot: the shader
 * binds the data buffer read-only). Slot K faults before any effect when data word 0 holds its token, which the
 * host sets on the first session only (a recovery session's data buffer starts zeroed, so the re-run does not
 * fault):
 * <ul>
 * <li>{@code cuda-c} ({@link #CUDA_BODY}): PTX {@code trap}, which kills the CUDA context with a sticky error.</li>
 * <li>{@code glsl} ({@link #GLSL_BODY}): GLSL has no trap, so the body stores through a raw device address that
 *     no allocation holds ({@code VyreDeviceWord} at 0x7F_DEAD0000, where the device enables bufferDeviceAddress):
 *     an MMU fault was expected to end the shader's channel and the dispatch's fence to report
 *     {@code VK_ERROR_DEVICE_LOST}; measured on the H100 (driver 580), the faulting invocation hangs instead,
 *     the rest of the shader runs on, and the check FAILs saying so. It also stores through the control
 *     buffer's raw array {@code C[]} 4 and 8 GiB past its base (measured on the H100: NVIDIA bounds-checks
 *     storage buffers, so these stores alone fault nothing). A store does not stop the invocation, so the body
 *     then waits, polling the abort flag, and never completes the slot. Where nothing faults (lavapipe, a device
 *     without bufferDeviceAddress) the device is not lost, and the check FAILs saying so.</li>
 * </ul>
 * The fault is this check's own opcode, never a backend feature an ordinary slot can reach.
 *
 * <p>Detection. Session waits consult the driver's liveness: on CUDA it meets the kernel's sticky error, on
 * Vulkan {@code vkGetFenceStatus} of the persistent dispatch returns {@code VK_ERROR_DEVICE_LOST}. Both classify as
 * device loss, and the session stops the interpreter (a driver that throws there counts as stopped, so the loss is
 * settled), reads the unfinished slots from the ring's status words and throws a {@link DeviceLossException}. A
 * driver whose fence does not report the loss at once shows up first as the watchdog's stalled heartbeat (a plain
 * {@code BackendException}); the check then asks {@link Session#isAlive()} for up to {@value #LOSS_PROBE_SECONDS} s
 * whether the device is lost, and its line says how the loss surfaced.
 *
 * <p>Checks on the lost session. Its unfinished set is the authority; the check reads the ring once more (exact
 * status words: the Vulkan status mirror may lag the ring by one store) and requires every status word in 0..7
 * (a ring that reads all-ones or garbage after the loss FAILs, naming what it read: the session's own set came
 * from the same mapping, so it cannot be trusted either), the same unfinished set, slot K in it, a settled loss
 * and a replay record for each unfinished slot. Then each slot's run evidence, from memory that outlives the loss:
 * <ul>
 * <li>CUDA: the data word (pinned host memory; the control buffer is device memory, gone with the context);</li>
 * <li>Vulkan: the run counter and the mark, in the control buffer, which lies in the same BAR-mapped allocation as
 *     the ring (host memory where the device has no BAR heap). An MMU fault is expected to end a channel, not
 *     to reset the GPU, and the allocation stays mapped until the session closes, so the mapping should read what
 *     the shader left (the premise of the session's own read of the ring; the 0..7 check above catches a mapping
 *     that does not). DONE_COUNT must lie between the finished slots and those plus the partial
 *     ones.</li>
 * </ul>
 * A finished slot (DONE) must show exactly one run ({@code i + 1}, and on Vulkan its mark); an unfinished one 0
 * or {@code i + 1} (a slot cut off mid-run may have left its effects; counted as "partial").
 *
 * <p>Checks on the recovery session: exactly the unfinished slots ran (the marks equal the unfinished set,
 * DONE_COUNT is its size, each re-run slot's counter is {@code i + 1} and every other one 0) and, on CUDA, each
 * re-run slot's data word is {@code i + 1} and every other one 0.
 *
 * <p>Recovery on CUDA or Vulkan runs in a new JVM: CUDA leaves a process whose context took a sticky error unable
 * to use the device again ("the process must be terminated and relaunched"); a Vulkan process can usually create
 * a new VkDevice after a loss, but a new process depends on nothing the lost driver state left behind and is
 * what an application that restarts does. The check starts itself with {@code --recover-child} and the log and
 * slot list ({@code Recovery.rerun(log, slots, session, timeout)}). {@code --recover-on reference} recovers in
 * this process, from the exception ({@code Recovery.rerun(lost, session, timeout)}).
 */
public final class DeviceLossCheck {

    /** The marking opcode. */
    static final int MARK = 0x7A01;
    /** The value in argument 2 and data word 0 that makes a slot fault. */
    static final int TOKEN = 0x7A5A7A5A;
    /** Backends whose device this check loses. */
    static final List<String> LOSABLE = List.of("cuda", "vulkan");
    /** Backends the unfinished slots may be re-run on. */
    static final List<String> RECOVERABLE = List.of("cuda", "vulkan", "reference");
    /** How long a wait that failed without a loss is followed by questions whether the device is lost. */
    static final int LOSS_PROBE_SECONDS = 10;

    static final String CUDA_BODY = """
            const u32 i = vyre_arg(ctx, 0);
            const u32 v = vyre_arg(ctx, 1);
            volatile u32* words = (volatile u32*)ctx.data;
            const u64 n = ctx.dataBytes >> 2;
            if (vyre_arg(ctx, 2) != 0u && n > 0ull && words[0] == vyre_arg(ctx, 2)) {
                asm volatile("trap;");
            }
            vyre_atomic_add_control(ctx, 160ull + (u64)(i >> 5), 1u << (i & 31u));
            vyre_atomic_add_control(ctx, (u64)vyre_arg(ctx, 3), v);
            if ((u64)i + 1ull < n) {
                words[1 + i] = words[1 + i] + v;
                __threadfence_system();
            }
            """;

    /**
     * The {@code glsl} body (see the class comment). {@code C} is the megakernel's control-buffer array
     * ({@code backend-vulkan/src/main/glsl/vyre_megakernel.comp}, binding 0); both elements are below 2^31, so an
     * access chain that reads its index as signed goes forward too.
     */
    static final String GLSL_BODY = """
            uint i = vyre_arg(0u);
            uint v = vyre_arg(1u);
            uint token = vyre_arg(2u);
            if (token != 0u && vyre_data_bytes() >= 4u && vyre_load_data_word(0u) == token) {
            #ifdef VYRE_DEVICE_ADDRESS
                uvec2 unmapped = uvec2(0xDEAD0000u | (i & 0xFFu) << 2u, 0x7Fu);
                VyreDeviceWord word = VyreDeviceWord(unmapped);
                word.value = token;
            #endif
                C[0x3FFFFFF0u] = token;
                C[0x7FFFFFF0u] = token;
                while (!vyre_abort_requested()) {
                }
                return;
            }
            vyre_atomic_add_control(vyre_index_add(160u, i >> 5u), 1u << (i & 31u));
            vyre_atomic_add_control(vyre_arg(3u), v);
            """;

    private DeviceLossCheck() {
    }

    record Args(String backend, String recoverOn, int slots, int trapSlot, Path log, int timeoutSeconds,
                boolean child, Path unfinishedFile) {
    }

    /** How the loss surfaced: the exception, and a note for the line (empty when a wait threw it directly). */
    private record Loss(DeviceLossException exception, String note) {
    }

    /**
     * What the lost session showed.
     *
     * @param finished  slots DONE on the lost device (each ran exactly once)
     * @param partial   unfinished slots that had left their run evidence before the loss
     * @param doneCount the lost session's DONE_COUNT, or -1 where its control buffer did not outlive the loss
     */
    record LostView(int finished, int partial, long doneCount) {
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

    static Args parse(String[] argv) {
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
        if (!child && !LOSABLE.contains(backend)) {
            throw new IllegalArgumentException("--backend " + backend + " cannot lose its device to this check (it"
                    + " has a faulting body for " + String.join(" and ", LOSABLE) + " only). Fix: pass --backend "
                    + String.join(" or --backend ", LOSABLE));
        }
        if (!RECOVERABLE.contains(recoverOn) || (child && !RECOVERABLE.contains(backend))) {
            throw new IllegalArgumentException("cannot recover on '" + (RECOVERABLE.contains(recoverOn) ? backend
                    : recoverOn) + "'. Fix: pass --recover-on " + String.join(", ", RECOVERABLE));
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

    /** @return the observable words that hold the marks of {@code slots} slots, one bit each */
    static int markWords(int slots) {
        return (slots + 31) / 32;
    }

    /** @return the control word of {@code slot}'s run counter: after the marks */
    static int counterWord(int slots, int slot) {
        return ControlLayout.OBSERVABLE_BASE + markWords(slots) + slot;
    }

    /** The session every side opens: same geometry and opcode; records only when {@code log} is given. */
    static SessionOptions options(int slots, Path log) {
        CustomOpcodes opcodes = CustomOpcodes.of(CustomOpcode.of(MARK).java(DeviceLossCheck::mark)
                .text("cuda-c", CUDA_BODY).text("glsl", GLSL_BODY).build());
        SessionOptions.Builder b = SessionOptions.builder().slotCount(slots).tenantCount(1)
                .observableSlots(markWords(slots) + slots).dataBufferBytes(4L * (slots + 1)).opcodes(opcodes);
        if (log != null) {
            b.replayLog(new ReplayLogOptions(log, slots, ReplayLogFormat.FULL_IMAGE, false));
        }
        return b.build();
    }

    /** The opcode on the JVM interpreters: the control-buffer effects of the other bodies (they cannot fault). */
    private static void mark(SlotContext c) {
        int i = c.arg(0);
        c.atomicAddControl(ControlLayout.OBSERVABLE_BASE + (i >>> 5), 1 << (i & 31));
        c.atomicAddControl(Integer.toUnsignedLong(c.arg(3)), c.arg(1));
    }

    /**
     * Publishes slots 0..slots-1 in runs of 256 (slot {@code trapSlot} with the token; -1 for none); waits for
     * nothing.
     */
    static void publishAll(Session s, int slots, int trapSlot) {
        MemorySegment images = MemorySegment.ofArray(new int[256 * SlotLayout.SLOT_WORDS]);
        int[] args = new int[4];
        for (int first = 0; first < slots; first += 256) {
            int n = Math.min(256, slots - first);
            for (int j = 0; j < n; j++) {
                int i = first + j;
                args[0] = i;
                args[1] = i + 1;
                args[2] = i == trapSlot ? TOKEN : 0;
                args[3] = counterWord(slots, i);
                Slots.encode(images, j, 0, MARK, args, args.length);
            }
            if (s.publishSlots(first, images, n) != n) {
                throw new CheckFailed("a fresh ring refused slots " + first + ".." + (first + n - 1)
                        + ". Fix: report it: a fresh session's ring has every slot EMPTY");
            }
        }
    }

    private static String run(Args a) {
        return run(a, Vyre.open(a.backend));
    }

    /**
     * The check on {@code gpu}, a backend of kind {@code a.backend} (it is closed here); the recovery as
     * {@code a.recoverOn} says.
     *
     * @return the PASS line
     * @throws CheckFailed with the FAIL line
     */
    static String run(Args a, Vyre gpu) {
        SessionOptions options = options(a.slots, a.log);
        DeviceLossException lost;
        String surfaced;
        LostView view;
        String evidence;
        long t0 = System.nanoTime();
        String closeNote = "";
        try {
            Session s = gpu.openSession(options);
            Words.set(s.dataBuffer(), 0, TOKEN);
            Loss loss = publishUntilLost(s, a);
            lost = loss.exception();
            surfaced = loss.note();
            int[] unfinished = lost.unfinishedSlots();
            if (!lost.settled()) {
                throw new CheckFailed("the loss is not settled: " + lost.getMessage());
            }
            if (lost.pendingRecords().size() != unfinished.length) {
                throw new CheckFailed(lost.pendingRecords().size() + " replay records for " + unfinished.length
                        + " unfinished slots. Fix: report it: every publish path records before it writes the ring,"
                        + " and the log holds " + a.slots + " records");
            }
            // CUDA: the data buffer is pinned host memory and its body writes it; its control buffer is device
            // memory, gone with the context. Vulkan: every buffer is one host-mapped allocation; the body cannot
            // write the data buffer (read-only in the shader), so its evidence is in the control buffer.
            boolean cuda = a.backend.equals("cuda");
            int[] status = ringStatuses(s, a.slots);
            int[] control = cuda ? null : controlWords(s);
            int[] data = cuda ? dataWords(s, a.slots) : null;
            view = checkLost(a.slots, a.trapSlot, unfinished, status, control, data);
            evidence = cuda ? "data words (pinned host memory)" : "run counters and marks in the control buffer ("
                    + (s.dataInDeviceMemory() ? "BAR-mapped VRAM" : "host-mapped memory") + "), DONE_COUNT "
                    + view.doneCount();
            if (!a.recoverOn.equals("reference")) {
                writeSlots(unfinishedFile(a.log), unfinished);
            }
            closeNote = closeLost(s);
        } catch (CheckFailed failed) {
            throw failed;
        } catch (RuntimeException e) {
            throw new CheckFailed("the backend failed outside the checked path: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + (e.getMessage() != null && e.getMessage().contains("Fix: ") ? ""
                    : ". Fix: rerun with VYRE_DEBUG=1 for the stack trace and report it"));
        } finally {
            try {
                gpu.close();
            } catch (RuntimeException e) {
                closeNote += " (closing the lost backend reported: " + e.getMessage() + ")";
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
        return String.format(Locale.ROOT, "backend=%s slots=%d trap-slot=%d: device lost in %s (%s)%s; %d finished"
                        + " on the lost device, %d unfinished (%d had left their %s before the loss); evidence read"
                        + " after the loss: %s, every ring status word in 0..7; %s; every slot ran exactly once"
                        + " (%.1f s)", a.backend, a.slots, a.trapSlot, lost.operation(), problem(lost.getCause()),
                surfaced, view.finished(), unfinished.length, view.partial(), a.backend.equals("cuda") ? "data word"
                        : "run counter", evidence, recovered, (System.nanoTime() - t0) / 1e9) + closeNote;
    }

    /** @return the problem of {@code t}'s message, without {@code backend error: } and the {@code Fix:} */
    private static String problem(Throwable t) {
        if (t == null || t.getMessage() == null) {
            return t == null ? "?" : t.getClass().getSimpleName();
        }
        String m = t.getMessage();
        if (m.startsWith("backend error: ")) {
            m = m.substring("backend error: ".length());
        }
        int fixAt = m.indexOf(". Fix:");
        return fixAt < 0 ? m : m.substring(0, fixAt);
    }

    /** Closes the lost session; @return a note for the line when that failed (the loss is already reported) */
    private static String closeLost(Session s) {
        try {
            s.close();
            return "";
        } catch (RuntimeException e) {
            return " (closing the lost session reported: " + e.getMessage() + ")";
        }
    }

    /**
     * Publishes every slot and waits for all.
     *
     * @return the loss and how it surfaced
     * @throws CheckFailed when every slot finished, or neither that nor a loss came
     */
    private static Loss publishUntilLost(Session s, Args a) {
        try {
            publishAll(s, a.slots, a.trapSlot);
            long t0 = System.nanoTime();
            boolean all = s.awaitDoneCount(a.slots, Duration.ofSeconds(a.timeoutSeconds));
            long waited = System.nanoTime() - t0;
            if (all) {
                throw new CheckFailed("backend '" + a.backend + "' ran all " + a.slots + " slots: slot " + a.trapSlot
                        + " did not lose the device. Fix: " + notLostFix(a.backend));
            }
            if (waited < TimeUnit.SECONDS.toNanos(a.timeoutSeconds)) {
                // the wait ended early: the interpreter stopped, and its dispatch ended without an error
                throw new CheckFailed("the interpreter stopped without a lost device after " + waited / 1_000_000
                        + " ms (" + state(s, a) + "). Fix: " + notLostFix(a.backend));
            }
            DeviceLossException late = awaitLoss(s);
            if (late != null) {
                return new Loss(late, ", reported only after the " + a.timeoutSeconds + " s wait had ended");
            }
            throw new CheckFailed("neither all slots finished nor the device was reported lost within "
                    + a.timeoutSeconds + " s, and " + LOSS_PROBE_SECONDS + " s more (" + state(s, a) + "). Fix: "
                    + notLostFix(a.backend));
        } catch (DeviceLossException lost) {
            return new Loss(lost, "");
        } catch (BackendException other) {
            // not a loss (the watchdog's stall, most likely): does the driver report the loss now?
            DeviceLossException late = awaitLoss(s);
            if (late != null) {
                return new Loss(late, ", reported after the wait had failed with: " + problem(other));
            }
            throw new CheckFailed("the wait failed without a lost device (" + problem(other) + "), and the session"
                    + " did not report a loss within " + LOSS_PROBE_SECONDS + " s either. Fix: "
                    + notLostFix(a.backend));
        }
    }

    /** @return DONE_COUNT, SHUTDOWN and the faulting slot's status and run counter, read now */
    private static String state(Session s, Args a) {
        int trapStatus = ringStatuses(s, a.slots)[a.trapSlot];
        int runs = s.controlWord(counterWord(a.slots, a.trapSlot));
        return "DONE_COUNT " + s.doneCount() + " of " + a.slots + ", SHUTDOWN " + s.controlWord(ControlLayout.SHUTDOWN)
                + ", slot " + a.trapSlot + " status " + trapStatus + " with run counter "
                + Integer.toUnsignedString(runs) + (a.backend.equals("vulkan") ? vulkanTrapNote(trapStatus) : "");
    }

    /** @return what the faulting slot's status says on Vulkan, where the fault did not lose the device */
    private static String vulkanTrapNote(int trapStatus) {
        return switch (trapStatus) {
            case SlotStatus.DONE -> ": it completed without its effects, so its wait loop ended (a driver that bounds"
                    + " loops, as lavapipe does)";
            case SlotStatus.CLAIMED -> ": it hangs in the faulting store or its wait loop while the interpreter runs"
                    + " on, so the dispatch cannot finish; end the process";
            default -> "";
        };
    }

    /** @return what to do when the faulting slot did not lose the device */
    private static String notLostFix(String backend) {
        return backend.equals("vulkan")
                ? "run it on an NVIDIA GPU whose driver loses the device on a faulting store (on the H100, driver 580,"
                + " storage-buffer stores out of range are dropped and a store through an unmapped device address hangs"
                + " its invocation instead; lavapipe and devices without bufferDeviceAddress never fault): report the"
                + " driver version and the kernel log (Xid lines)"
                : "run it on an NVIDIA GPU; the PTX trap did not end the kernel: report the driver version";
    }

    /**
     * Asks {@link Session#isAlive()} every 100 ms for up to {@value #LOSS_PROBE_SECONDS} s whether the device is
     * lost (on Vulkan: the fence's status).
     *
     * @return the loss, or null when none was reported
     */
    private static DeviceLossException awaitLoss(Session s) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOSS_PROBE_SECONDS);
        do {
            try {
                s.isAlive();
            } catch (DeviceLossException lost) {
                return lost;
            } catch (BackendException notLost) {
                // keep asking
            }
            LockSupport.parkNanos(100_000_000L);
        } while (System.nanoTime() - end < 0);
        return s.deviceLoss().orElse(null);
    }

    /** @return each slot's status word, read from the ring (exactly: not a status mirror) */
    private static int[] ringStatuses(Session s, int slots) {
        MemorySegment ring = MemorySegment.ofArray(s.ringSnapshot());
        int[] out = new int[slots];
        for (int i = 0; i < slots; i++) {
            out[i] = Words.get(ring, (long) i * SlotLayout.SLOT_WORDS);
        }
        return out;
    }

    /** @return the control buffer's words, read through the session's mapping after the loss */
    private static int[] controlWords(Session s) {
        byte[] bytes;
        try {
            bytes = s.controlSnapshot();
        } catch (RuntimeException e) {
            throw new CheckFailed("the lost session's control buffer cannot be read: " + problem(e) + ". Fix: report"
                    + " it with the driver version: the allocation stays mapped until the session closes");
        }
        MemorySegment c = MemorySegment.ofArray(bytes);
        int[] out = new int[bytes.length / 4];
        for (int w = 0; w < out.length; w++) {
            out[w] = Words.get(c, w);
        }
        return out;
    }

    /** @return data words {@code 1 .. slots}: element {@code i} is slot {@code i}'s */
    private static int[] dataWords(Session s, int slots) {
        MemorySegment data = s.dataBuffer();
        int[] out = new int[slots];
        for (int i = 0; i < slots; i++) {
            out[i] = Words.getAcquire(data, 1 + i);
        }
        return out;
    }

    /**
     * The checks on the lost session (see the class comment), on what was read after the loss.
     *
     * @param unfinished the session's unfinished slots ({@link DeviceLossException#unfinishedSlots()})
     * @param status     each slot's ring status word, read after the loss
     * @param control    the control buffer's words, or null where it did not outlive the loss (CUDA)
     * @param data       slot {@code i}'s data word at {@code i}, or null where the body cannot write it (Vulkan);
     *                   one of {@code control} and {@code data} is the run evidence: {@code data} when given
     * @return what the lost session showed
     * @throws CheckFailed on the first check that fails
     */
    static LostView checkLost(int slots, int trapSlot, int[] unfinished, int[] status, int[] control, int[] data) {
        BitSet u = bits(unfinished);
        int unreadable = 0;
        int allOnes = 0;
        StringBuilder examples = new StringBuilder();
        for (int i = 0; i < slots; i++) {
            if (Integer.compareUnsigned(status[i], SlotStatus.FAULT) > 0) {
                allOnes += status[i] == -1 ? 1 : 0;
                if (unreadable++ < 3) {
                    examples.append(unreadable == 1 ? "" : ", ").append("slot ").append(i).append(": 0x")
                            .append(Integer.toHexString(status[i]));
                }
            }
        }
        if (unreadable > 0) {
            throw new CheckFailed("after the loss the ring reads " + unreadable + " of " + slots + " status words"
                    + " outside 0..7 (" + examples + (allOnes == unreadable ? "; all of them all-ones" : "")
                    + "): the mapping does not show what the device left, so the " + unfinished.length
                    + " unfinished slots the session read from it cannot be trusted. Fix: report it with the driver"
                    + " version and the kernel log (Xid lines): recovery on this driver needs the statuses from host"
                    + " memory");
        }
        BitSet fromRing = new BitSet();
        for (int i = 0; i < slots; i++) {
            if (status[i] != SlotStatus.EMPTY && status[i] != SlotStatus.DONE && status[i] != SlotStatus.FAULT) {
                fromRing.set(i);
            }
        }
        if (!fromRing.equals(u)) {
            BitSet differ = (BitSet) fromRing.clone();
            differ.xor(u);
            int d = differ.nextSetBit(0);
            throw new CheckFailed("the session reported " + u.cardinality() + " unfinished slots, the ring read again"
                    + " shows " + fromRing.cardinality() + " (first difference: slot " + d + ", status " + status[d]
                    + ", " + (u.get(d) ? "" : "not ") + "reported): the ring changed after the loss was settled. Fix:"
                    + " report it with the driver version: nothing may finish on a lost device");
        }
        if (!u.get(trapSlot)) {
            throw new CheckFailed("the faulting slot " + trapSlot + " is reported finished (status " + status[trapSlot]
                    + "). Fix: check that the body of opcode 0x" + Integer.toHexString(MARK) + " for this backend"
                    + " stops the faulting slot before its effects (DeviceLossCheck.CUDA_BODY, GLSL_BODY)");
        }
        String what = data != null ? "data word" : "run counter";
        int finished = 0;
        int partial = 0;
        for (int i = 0; i < slots; i++) {
            int run = data != null ? data[i] : control[counterWord(slots, i)];
            boolean marked = control == null
                    || (control[ControlLayout.OBSERVABLE_BASE + (i >>> 5)] >>> (i & 31) & 1) != 0;
            if (u.get(i)) {
                if (run != 0 && run != i + 1) {
                    throw new CheckFailed("unfinished slot " + i + " left its " + what + " at "
                            + Integer.toUnsignedString(run) + " (0 or " + (i + 1) + " expected: at most one partial"
                            + " run). Fix: report it: a slot ran twice on the lost device"
                            + (run == -1 ? ", or the mapping reads all-ones" : ""));
                }
                partial += run == 0 ? 0 : 1;
            } else {
                finished++;
                if (status[i] != SlotStatus.DONE || run != i + 1 || !marked) {
                    throw new CheckFailed("finished slot " + i + " has status " + status[i] + ", " + what + " "
                            + Integer.toUnsignedString(run)
                            + (control == null ? "" : " and mark bit " + (marked ? 1 : 0)) + " (DONE, "
                            + (i + 1) + (control == null ? "" : " and 1") + " expected: exactly one run). Fix: report"
                            + " it: a slot the session counts as finished did not run exactly once"
                            + (run == -1 ? " (or the mapping reads all-ones)" : ""));
                }
            }
        }
        long done = -1;
        if (control != null) {
            done = Integer.toUnsignedLong(control[ControlLayout.DONE_COUNT]);
            if (done < finished || done > finished + partial) {
                throw new CheckFailed("the lost session's DONE_COUNT is " + done + ", outside " + finished + ".."
                        + (finished + partial) + " (the finished slots, plus the partial runs that may have counted"
                        + " themselves before the loss). Fix: report it: DONE_COUNT must count each DONE slot once");
            }
        }
        return new LostView(finished, partial, done);
    }

    private static Path unfinishedFile(Path log) {
        return log.resolveSibling(log.getFileName() + ".unfinished");
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
                unfinishedFile(a.log).toString(), "--timeout-s", Integer.toString(a.timeoutSeconds)));
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(a.timeoutSeconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CheckFailed("the recovery child did not finish within " + (a.timeoutSeconds + 60) + " s."
                        + " Fix: rerun with a larger --timeout-s, or look at the child's output above");
            }
            if (p.exitValue() != 0) {
                throw new CheckFailed("the recovery child on '" + a.recoverOn + "' failed (exit " + p.exitValue()
                        + "). Fix: see the child's own line above");
            }
        } catch (IOException e) {
            throw new CheckFailed("cannot start the recovery child: " + e.getMessage() + ". Fix: run the check with"
                    + " a java launcher this process can start again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted while waiting for the recovery child. Fix: let the check finish");
        }
        return "re-run on " + a.recoverOn + " in a new process: " + unfinished.length + " DONE";
    }

    /** The recovery child: a fresh session, the unfinished slots from the log, then the exactly-once checks. */
    private static String child(Args a) {
        return recover(a.backend, a.slots, a.log, readSlots(a.unfinishedFile), a.timeoutSeconds);
    }

    /**
     * Re-runs {@code unfinished} from {@code log} on a fresh session of {@code backend} and checks that exactly
     * they ran, once each.
     *
     * @return the child's line
     */
    static String recover(String backend, int slots, Path log, int[] unfinished, int timeoutSeconds) {
        try (Vyre v = Vyre.open(backend); Session r = v.openSession(options(slots, null))) {
            RecoveryResult result = Recovery.rerun(log, unfinished, r, Duration.ofSeconds(timeoutSeconds));
            if (result.done() != unfinished.length) {
                throw new CheckFailed(result.done() + " of " + unfinished.length + " re-run slots reached DONE. Fix:"
                        + " report it: the opcode cannot fault on a session whose data word 0 is zero");
            }
            verifyRecovery(r, unfinished, slots, true);
            return "backend=" + v.name() + ": re-ran " + unfinished.length + " slots from " + log + " in "
                    + result.nanos() / 1_000_000 + " ms, each exactly once, no other slot";
        }
    }

    /**
     * Exactly the unfinished slots ran on {@code r}, once each: marks, DONE_COUNT, run counters and (CUDA, when
     * {@code dataWords}) data words.
     */
    static void verifyRecovery(Session r, int[] unfinished, int slots, boolean dataWords) {
        BitSet u = bits(unfinished);
        byte[] control = r.controlSnapshot();
        MemorySegment c = MemorySegment.ofArray(control);
        String fix = ". Fix: report it: Recovery.rerun must run each unfinished slot once and no other";
        for (int w = 0; w < markWords(slots); w++) {
            int expected = 0;
            for (int b = 0; b < 32 && w * 32 + b < slots; b++) {
                expected |= u.get(w * 32 + b) ? 1 << b : 0;
            }
            int got = Words.get(c, ControlLayout.OBSERVABLE_BASE + w);
            if (got != expected) {
                throw new CheckFailed("observable word " + w + " of the recovery session is 0x" + Integer.toHexString(got)
                        + ", expected 0x" + Integer.toHexString(expected) + " (bits of the unfinished slots only)" + fix);
            }
        }
        for (int i = 0; i < slots; i++) {
            int got = Words.get(c, counterWord(slots, i));
            int expected = u.get(i) ? i + 1 : 0;
            if (got != expected) {
                throw new CheckFailed("run counter of slot " + i + " is " + Integer.toUnsignedString(got)
                        + " on the recovery session,"
                        + " expected " + expected + fix);
            }
        }
        int done = Words.get(c, ControlLayout.DONE_COUNT);
        if (done != unfinished.length) {
            throw new CheckFailed("the recovery session's DONE_COUNT is " + done + ", expected " + unfinished.length
                    + fix);
        }
        if (dataWords && r.backendName().equals("cuda")) {
            MemorySegment data = r.dataBuffer();
            for (int i = 0; i < slots; i++) {
                int word = Words.getAcquire(data, 1 + i);
                int expected = u.get(i) ? i + 1 : 0;
                if (word != expected) {
                    throw new CheckFailed("data word of slot " + i + " is " + word + " on the recovery session, expected "
                            + expected + fix);
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
            throw new CheckFailed("cannot write " + file + ": " + e.getMessage() + ". Fix: pass --log FILE in a"
                    + " writable directory");
        }
    }

    private static int[] readSlots(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? new int[0] : Arrays.stream(text.split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (IOException | NumberFormatException e) {
            throw new CheckFailed("cannot read the unfinished slots from " + file + ": " + e.getMessage() + ". Fix:"
                    + " let the check start its recovery child itself");
        }
    }

    /** A failed check, caught in {@link #main}: its message is the FAIL line (it never leaves this class). */
    static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message);
        }
    }
}
