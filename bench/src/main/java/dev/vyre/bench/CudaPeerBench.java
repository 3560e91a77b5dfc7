package dev.vyre.bench;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemHostGetDevicePointer;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.Session;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.ControlCodec;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.RingPublisher;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.HdrHistogram.Histogram;

/**
 * The CUDA issue's benchmark set, peers in the same run (GPU machine only):
 * <ol>
 *   <li>one ATOMIC_ADD slot publish → DONE seen by the host: the persistent session, against the
 *       same slot run by a {@code cuLaunchKernel(vyre_once)} + synchronize per op and by a CUDA
 *       Graph launch + synchronize per op (same kernel, same mapped ring, same device control);</li>
 *   <li>one-pass {@code dispatch} time for batches of 1, 64, 4,096 and 65,536 slots;</li>
 *   <li>idle cost of a running persistent session (nvidia-smi power and utilisation);</li>
 *   <li>1,000 session open/close cycles: device memory before and after.</li>
 * </ol>
 * Usage: {@code CudaPeerBench [--ops N] [--cycles N] [--json FILE]}.
 */
public final class CudaPeerBench {

    private final List<String> json = new ArrayList<>();

    private CudaPeerBench() {
    }

    public static void main(String[] argv) {
        BenchMain.guard("CudaPeerBench", () -> runCudaPeerBench(argv));
    }

    private static void runCudaPeerBench(String[] argv) throws Exception {
        int ops = 20_000;
        int cycles = 1000;
        boolean watchdog = false;
        Path out = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--ops" -> ops = Integer.parseInt(argv[++i]);
                case "--cycles" -> cycles = Integer.parseInt(argv[++i]);
                case "--json" -> out = Path.of(argv[++i]);
                case "--watchdog" -> watchdog = true;
                default -> throw new IllegalArgumentException("unknown option " + argv[i]
                        + ". Fix: use --ops N, --cycles N, --json FILE, --watchdog");
            }
        }
        CudaPeerBench bench = new CudaPeerBench();
        try (Vyre cuda = Vyre.open("cuda")) {
            System.out.println("device: " + cuda.device());
            bench.latency(cuda, ops);
            bench.onePass(cuda);
            bench.idle(cuda);
            bench.cycles(cuda, cycles);
            if (out != null) {
                Files.writeString(out, "{\"date\":\"" + Instant.now() + "\",\"results\":[" + String.join(",", bench.json)
                        + "]}\n", StandardCharsets.UTF_8);
            }
            if (watchdog) {
                // last: the stalled kernel keeps the GPU busy until the process is killed
                bench.watchdog(cuda);
                System.out.flush();
                Runtime.getRuntime().halt(0);
            }
        }
    }

    // ---- 1. single-slot latency, persistent vs launch per op vs graph per op ----

    private void latency(Vyre cuda, int ops) {
        Histogram persistent = new Histogram(3_600_000_000_000L, 3);
        try (Session session = cuda.openSession(SessionOptions.builder().slotCount(1024)
                .observableSlots(1024).build())) {
            for (int i = 0; i < ops + ops / 5; i++) {
                int slot = i & 1023;
                long t0 = System.nanoTime();
                session.publish(slot, 0, Opcodes.ATOMIC_ADD, 1, 160 + slot, 0);
                while (session.slotStatus(slot) != SlotStatus.DONE) {
                    Thread.onSpinWait();
                }
                long t1 = System.nanoTime();
                if (i >= ops / 5) {
                    persistent.recordValue(t1 - t0);
                }
            }
        }
        report("persistent publish->DONE", persistent);
        PeerKernel peer = new PeerKernel();
        report("cuLaunchKernel+sync per op", peer.run(ops, false));
        report("CUDA Graph launch+sync per op", peer.run(ops, true));
    }

    private void report(String what, Histogram h) {
        System.out.printf(Locale.ROOT, "%-34s p50 %8.2f us  p99 %8.2f us  p99.9 %8.2f us  (n=%d)%n", what,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount());
        json.add(String.format(Locale.ROOT, "{\"bench\":\"%s\",\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,"
                        + "\"n\":%d}", what, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount()));
    }

    /** The same one-slot interpreter run by a kernel launch per operation (the peer). */
    private static final class PeerKernel {
        private final CUstream stream = new CUstream();
        private final CUfunction once = new CUfunction();
        private final MemorySegment ring;
        private final Addr args = new Addr();

        PeerKernel() {
            check(cuInit(0));
            CUdevice device = new CUdevice();
            check(cuDeviceGet(device, 0));
            CUcontext context = new CUcontext();
            check(cuDevicePrimaryCtxRetain(context, device));
            check(cuCtxSetCurrent(context));
            CUmodule module = new CUmodule();
            check(cuModuleLoadData(module, (ptx() + '\0').getBytes(StandardCharsets.US_ASCII)));
            check(cuModuleGetFunction(once, module, "vyre_once"));
            check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
            Pointer host = new Pointer();
            check(cuMemHostAlloc(host, 4096, JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP | JCudaDriver.CU_MEMHOSTALLOC_PORTABLE));
            ring = MemorySegment.ofBuffer(host.getByteBuffer(0, 4096)).asSlice(0, 64);
            ring.fill((byte) 0);
            long ringDevice = address(host);
            Addr control = new Addr();
            byte[] controlBytes = ControlCodec.encodeControl(false, 1, 16);
            check(cuMemAlloc(control, controlBytes.length));
            check(cuMemcpyHtoD(control, Pointer.to(controlBytes), controlBytes.length));
            Addr debug = new Addr();
            check(cuMemAlloc(debug, 1028));
            check(cuMemsetD8(debug, (byte) 0, 1028));
            Addr io = new Addr();
            check(cuMemAlloc(io, 2048));
            check(cuMemsetD8(io, (byte) 0, 2048));
            long[] fields = new long[19];
            fields[0] = control.address();
            fields[1] = controlBytes.length / 4;
            fields[2] = ringDevice;
            fields[3] = 1;
            fields[4] = debug.address();
            fields[5] = 257;
            fields[6] = io.address();
            fields[7] = 64;
            fields[16] = 1_000_000;
            check(cuMemAlloc(args, 8L * fields.length));
            check(cuMemcpyHtoD(args, Pointer.to(fields), 8L * fields.length));
        }

        private static String ptx() {
            try (InputStream in = ClassLoader.getSystemResourceAsStream("dev/vyre/backend/cuda/vyre_megakernel.ptx")) {
                if (in == null) {
                    throw new IllegalStateException("vyre_megakernel.ptx is not on the class path."
                            + " Fix: put vyre-backend-cuda on the class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage() + ". Fix: check the class path", e);
            }
        }

        Histogram run(int ops, boolean graph) {
            Pointer params = Pointer.to(Pointer.to(args));
            CUgraphExec exec = null;
            if (graph) {
                check(cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_GLOBAL));
                check(cuLaunchKernel(once, 1, 1, 1, 32, 1, 1, 0, stream, params, null));
                CUgraph g = new CUgraph();
                check(cuStreamEndCapture(stream, g));
                exec = new CUgraphExec();
                check(cuGraphInstantiate(exec, g, 0));
            }
            Histogram h = new Histogram(3_600_000_000_000L, 3);
            byte[] slot = new byte[64];
            RingPublisher.publishSlot(slot, 0, 0, Opcodes.ATOMIC_ADD, 1, 160);
            MemorySegment slotBytes = MemorySegment.ofArray(slot);
            for (int i = 0; i < ops + ops / 5; i++) {
                long t0 = System.nanoTime();
                MemorySegment.copy(slotBytes, 4, ring, 4, 60);
                Words.setRelease(ring, 0, SlotStatus.PUBLISHED);
                if (graph) {
                    check(cuGraphLaunch(exec, stream));
                } else {
                    check(cuLaunchKernel(once, 1, 1, 1, 32, 1, 1, 0, stream, params, null));
                }
                check(cuStreamSynchronize(stream));
                if (Words.getAcquire(ring, 0) != SlotStatus.DONE) {
                    throw new IllegalStateException("peer kernel did not complete the slot. Fix: check the driver");
                }
                long t1 = System.nanoTime();
                if (i >= ops / 5) {
                    h.recordValue(t1 - t0);
                }
            }
            return h;
        }

        private static long address(Pointer host) {
            Addr device = new Addr();
            check(cuMemHostGetDevicePointer(device, host, 0));
            return device.address();
        }
    }

    /** A device pointer whose numeric address can be read (JCuda keeps it protected). */
    private static final class Addr extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    private static void check(int result) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("CUDA call failed: " + CUresult.stringFor(result)
                    + ". Fix: run on the GPU machine with a working driver");
        }
    }

    // ---- 2. one-pass batches ----

    private void onePass(Vyre cuda) {
        for (int n : new int[] {1, 64, 4096, 65536}) {
            byte[] control = ControlCodec.encodeControl(false, 1, n);
            byte[] ring = new byte[n * 64];
            for (int s = 0; s < n; s++) {
                RingPublisher.publishSlot(ring, s, 0, Opcodes.ATOMIC_ADD, 1, 160 + s);
            }
            DispatchRequest request = DispatchRequest.of(control, ring, new byte[1028]);
            int reps = n >= 65536 ? 30 : 200;
            long[] times = new long[reps];
            for (int r = -5; r < reps; r++) {
                long t0 = System.nanoTime();
                var result = cuda.dispatch(request);
                long t1 = System.nanoTime();
                if (ControlCodec.readDoneCount(result.control()) != n) {
                    throw new IllegalStateException("one-pass batch of " + n + " ran "
                            + ControlCodec.readDoneCount(result.control()) + " slots. Fix: backend bug");
                }
                if (r >= 0) {
                    times[r] = t1 - t0;
                }
            }
            Arrays.sort(times);
            double median = times[reps / 2] / 1e3;
            System.out.printf(Locale.ROOT, "one-pass dispatch of %6d slots: median %9.1f us (%.3f us/slot)%n", n,
                    median, median / n);
            json.add(String.format(Locale.ROOT, "{\"bench\":\"one-pass\",\"slots\":%d,\"median_us\":%.2f}", n, median));
        }
    }

    // ---- 3. idle cost ----

    private void idle(Vyre cuda) throws Exception {
        String before = smi();
        String during;
        try (Session session = cuda.openSession(SessionOptions.builder().slotCount(1024).build())) {
            Thread.sleep(3000);
            during = smi();
            session.publish(0, 0, Opcodes.NOP, 0, 0, 0);
            session.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(5));
        }
        Thread.sleep(1000);
        String after = smi();
        System.out.println("idle cost (power.draw W, utilization.gpu %, sm clock MHz):");
        System.out.println("  no session:              " + before);
        System.out.println("  idle persistent session: " + during);
        System.out.println("  after close:             " + after);
        json.add("{\"bench\":\"idle\",\"before\":\"" + before + "\",\"during\":\"" + during + "\",\"after\":\""
                + after + "\"}");
    }

    private static String smi() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=power.draw,utilization.gpu,clocks.sm",
                    "--format=csv,noheader").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return text;
        } catch (IOException e) {
            return "nvidia-smi unavailable: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    // ---- 5. watchdog: a custom opcode that never returns stalls the kernel ----

    private void watchdog(Vyre cuda) {
        var hang = CustomOpcodes.of(CustomOpcode.of(0x777)
                .text("cuda-c", "for (;;) { asm volatile(\"nanosleep.u32 1000;\"); }").build());
        Session s = cuda.openSession(SessionOptions.builder().slotCount(16).opcodes(hang).build());
        s.publish(0, 0, 0x777, 0, 0, 0);
        long t0 = System.nanoTime();
        String outcome;
        try {
            boolean done = s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(20));
            outcome = "await returned " + done + " (no watchdog report)";
        } catch (RuntimeException e) {
            outcome = "await threw after " + String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9)
                    + " s: " + e.getMessage();
        }
        System.out.println("watchdog: isAlive=" + s.isAlive() + "; " + outcome);
        json.add("{\"bench\":\"watchdog\",\"outcome\":\"" + outcome.replace("\"", "'") + "\"}");
        try {
            s.close();
            System.out.println("watchdog: close returned");
        } catch (RuntimeException e) {
            System.out.println("watchdog: close reported: " + e.getMessage());
        }
    }

    // ---- 4. open/close cycles ----

    private void cycles(Vyre cuda, int cycles) {
        long[] free = new long[1];
        long[] total = new long[1];
        // warm up allocator pools once
        try (Session s = cuda.openSession(SessionOptions.builder().slotCount(1024).build())) {
            s.publish(0, 0, Opcodes.NOP, 0, 0, 0);
            s.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(5));
        }
        check(cuMemGetInfo(free, total));
        long start = free[0];
        long t0 = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            try (Session s = cuda.openSession(SessionOptions.builder().slotCount(1024).build())) {
                s.publish(i & 1023, 0, Opcodes.NOP, 0, 0, 0);
                if (!s.awaitSlotStatus(i & 1023, SlotStatus.DONE, Duration.ofSeconds(5))) {
                    throw new IllegalStateException("cycle " + i + ": slot not DONE. Fix: backend bug");
                }
            }
        }
        long t1 = System.nanoTime();
        check(cuMemGetInfo(free, total));
        System.out.printf(Locale.ROOT, "%d session open/publish/close cycles in %.2f s: free device memory %d -> %d"
                + " bytes (delta %d)%n", cycles, (t1 - t0) / 1e9, start, free[0], free[0] - start);
        json.add(String.format(Locale.ROOT, "{\"bench\":\"cycles\",\"cycles\":%d,\"seconds\":%.3f,\"free_before\":%d,"
                + "\"free_after\":%d}", cycles, (t1 - t0) / 1e9, start, free[0]));
    }
}
