package dev.vyre.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import dev.vyre.protocol.Words;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL20;
import org.lwjgl.system.MemoryStack;

/**
 * Decides, by measurement, whether a persistent interpreter can run on a device: a kernel
 * ({@code vyre_handshake}) plays {@value #ROUNDS} rounds of ping-pong with the host through shared memory
 * while it runs. A kind of shared memory works when every round is acknowledged; its round-trip time is
 * the floor of a persistent session's publish-to-DONE latency. Both kinds are measured where the device
 * offers them ({@link SharedBuffer.Kind#SVM} only with fine-grained buffer SVM and SVM atomics); the
 * faster working one is used. Where neither works, persistent sessions are off, and the evidence says why.
 *
 * <p>{@code -Dvyre.opencl.persistent=false} skips the measurement (sessions off); {@code =host-mapped} or
 * {@code =svm} measures only that kind.
 */
final class OpenClPersistence {

    /** System property: {@code auto} (default), {@code false}, {@code host-mapped} or {@code svm}. */
    static final String PROPERTY = "vyre.opencl.persistent";
    static final int ROUNDS = 64;
    /**
     * Polls the kernel makes in one round before it gives up, which bounds the kernel where it never sees the
     * host: about 1 s of polling on a CPU (about 0.3 ns a poll), a few seconds on a GPU (a dependent volatile
     * load of 0.5 to 1 us). A host thread descheduled for less than that does not fail the measurement.
     */
    static long maxPolls(OpenClDevice.Candidate device) {
        return device.isCpu() ? 1L << 32 : 1L << 22;
    }
    private static final long START_TIMEOUT_NANOS = 5_000_000_000L;
    private static final long ROUND_TIMEOUT_NANOS = 1_000_000_000L;
    private static final int CL_EVENT_COMMAND_EXECUTION_STATUS = 0x11D3;

    /**
     * The verdict.
     *
     * @param kind          the shared memory persistent sessions use, or null when they cannot run
     * @param evidence      what was measured, one line per kind
     * @param roundTripNanos median host-to-kernel-to-host round trip of {@code kind} (0 when none)
     * @param pollsPerNano  the kernel's polls per nanosecond while it waited (the LOAD_MISS wait bound is
     *                      counted in polls); 0 when none
     */
    record Verdict(SharedBuffer.Kind kind, String evidence, long roundTripNanos, double pollsPerNano) {
        boolean persistent() {
            return kind != null;
        }
    }

    /** One kind's measurement. */
    private record Trial(SharedBuffer.Kind kind, boolean works, String text, long p50, double pollsPerNano) {
    }

    private OpenClPersistence() {
    }

    /** Measures the kinds the device offers (see the class comment) with {@code program}'s handshake kernel. */
    static Verdict decide(OpenClDevice device, ClProgram program) {
        String mode = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
        if (mode.equals("false")) {
            return new Verdict(null, "persistent sessions turned off by -D" + PROPERTY + "=false", 0, 0);
        }
        OpenClDevice.Candidate info = device.info();
        boolean svm = (info.svmCapabilities() & CL20.CL_DEVICE_SVM_FINE_GRAIN_BUFFER) != 0
                && (info.svmCapabilities() & CL20.CL_DEVICE_SVM_ATOMICS) != 0;
        List<Trial> trials = new ArrayList<>();
        if (!mode.equals("svm")) {
            trials.add(measure(device, program, SharedBuffer.Kind.HOST_MAPPED));
        }
        if (!mode.equals("host-mapped")) {
            trials.add(svm ? measure(device, program, SharedBuffer.Kind.SVM)
                    : new Trial(SharedBuffer.Kind.SVM, false, "SVM: not offered (" + (info.version() < 20
                            ? info.deviceVersion() + " has no SVM" : "no fine-grained buffer SVM with atomics") + ")",
                            0, 0));
        }
        Trial best = null;
        for (Trial t : trials) {
            if (t.works() && (best == null || t.p50() < best.p50())) {
                best = t;
            }
        }
        String evidence = String.join("; ", trials.stream().map(Trial::text).toList());
        return best == null ? new Verdict(null, evidence, 0, 0)
                : new Verdict(best.kind(), evidence, best.p50(), best.pollsPerNano());
    }

    private static Trial measure(OpenClDevice device, ClProgram program, SharedBuffer.Kind kind) {
        String label = kind == SharedBuffer.Kind.SVM ? "fine-grained SVM" : "host-mapped CL_MEM_ALLOC_HOST_PTR";
        long queue = 0;
        long kernel = 0;
        long event = 0;
        SharedBuffer link = null;
        try (MemoryStack stack = stackPush()) {
            queue = device.newQueue();
            link = SharedBuffer.allocate(kind, device, queue, OpenClLink.BYTES);
            MemorySegment l = link.segment();
            kernel = program.newKernel("vyre_handshake");
            link.bind(kernel, 0);
            ClCalls.check(clSetKernelArg1i(kernel, 1, ROUNDS), "clSetKernelArg");
            long maxPolls = maxPolls(device.info());
            ClCalls.check(clSetKernelArg1l(kernel, 2, maxPolls), "clSetKernelArg");
            PointerBuffer ev = stack.mallocPointer(1);
            ClCalls.check(clEnqueueNDRangeKernel(queue, kernel, 1, null, stack.pointers(1), stack.pointers(1), null, ev),
                    "clEnqueueNDRangeKernel(vyre_handshake)");
            event = ev.get(0);
            ClCalls.check(clFlush(queue), "clFlush");
            long start = System.nanoTime();
            while (Words.getAcquire(l, OpenClLink.HS_STARTED) == 0) {
                if (System.nanoTime() - start > START_TIMEOUT_NANOS || status(event) < 0) {
                    return failed(kind, label + ": the host never saw the running kernel's start flag within 5 s"
                            + " (kernel writes are not visible to the host while it runs)");
                }
                Thread.onSpinWait();
            }
            long[] trips = new long[ROUNDS];
            for (int r = 1; r <= ROUNDS; r++) {
                long t0 = System.nanoTime();
                Words.setRelease(l, OpenClLink.HS_TOKEN, r);
                while (Words.getAcquire(l, OpenClLink.HS_ACK) != r) {
                    if (System.nanoTime() - t0 > ROUND_TIMEOUT_NANOS) {
                        boolean ended = Words.getAcquire(l, OpenClLink.HS_FINISHED) != 0 || status(event) == CL_COMPLETE;
                        return failed(kind, label + ": round " + r + " of " + ROUNDS + " was not acknowledged within"
                                + " 1 s (" + (ended ? "the kernel ended after " + maxPolls + " polls without seeing"
                                + " the host's write" : "the running kernel did not see the host's write") + ")");
                    }
                    Thread.onSpinWait();
                }
                trips[r - 1] = System.nanoTime() - t0;
            }
            ClCalls.check(clFinish(queue), "clFinish");
            if (status(event) < 0) {
                return new Trial(kind, false, label + ": the handshake kernel failed (" + status(event) + ")", 0, 0);
            }
            long polls = Integer.toUnsignedLong(Words.getAcquire(l, OpenClLink.HS_POLLS_LO))
                    | Integer.toUnsignedLong(Words.getAcquire(l, OpenClLink.HS_POLLS_HI)) << 32;
            long total = Arrays.stream(trips).sum();
            Arrays.sort(trips);
            long p50 = trips[ROUNDS / 2];
            long p99 = trips[ROUNDS - 1 - ROUNDS / 100];
            double pollsPerNano = Math.min(10, Math.max(1e-3, (double) polls / Math.max(1, total)));
            return new Trial(kind, true, String.format(Locale.ROOT, "%s: works, round trip p50 %.1f us, p99 %.1f us"
                    + " (%d rounds)", label, p50 / 1e3, p99 / 1e3, ROUNDS), p50, pollsPerNano);
        } catch (RuntimeException e) {
            // a failed allocation, launch or call: this kind cannot run a session here (never fails the open)
            return new Trial(kind, false, label + ": " + e.getMessage(), 0, 0);
        } finally {
            if (queue != 0) {
                clFinish(queue);
            }
            if (event != 0) {
                clReleaseEvent(event);
            }
            if (kernel != 0) {
                clReleaseKernel(kernel);
            }
            if (link != null) {
                link.close();
            }
            if (queue != 0) {
                clReleaseCommandQueue(queue);
            }
        }
    }

    /**
     * A failed trial: the kernel still polls, bounded by {@link #maxPolls}; the caller's {@code finally}
     * waits for it before the memory is freed.
     */
    private static Trial failed(SharedBuffer.Kind kind, String text) {
        return new Trial(kind, false, text, 0, 0);
    }

    /** @return the event's execution status ({@code CL_COMPLETE} 0, negative on failure) */
    static int status(long event) {
        try (MemoryStack stack = stackPush()) {
            var value = stack.mallocInt(1);
            int r = clGetEventInfo(event, CL_EVENT_COMMAND_EXECUTION_STATUS, value, null);
            return r != CL_SUCCESS ? r : value.get(0);
        }
    }
}
