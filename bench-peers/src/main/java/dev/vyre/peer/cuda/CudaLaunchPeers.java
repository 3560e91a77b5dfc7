package dev.vyre.peer.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemHostGetDevicePointer;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import dev.vyre.peer.LaunchPeers;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotStatus;
import dev.vyre.protocol.Words;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;
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

/**
 * The CUDA peers of a persistent session, driven through JCuda's driver API directly, on the device the
 * CUDA backend uses ({@code -Dvyre.cuda.device} / {@code VYRE_CUDA_DEVICE}, default 0), in its primary
 * context. Each operation is one ATOMIC_ADD slot, as in the session's latency row: the host writes the
 * 64-byte slot into mapped pinned memory (status PUBLISHED last, release), then
 * <ul>
 *   <li>{@link #LAUNCH}: {@code cuLaunchKernel} of the one-slot kernel {@code vyre_peer_slot}
 *       ({@code src/main/cuda/vyre_peer.cu}; 1 block of 32 threads), then {@code cuCtxSynchronize};</li>
 *   <li>{@link #GRAPH}: {@code cuGraphLaunch} of a CUDA Graph captured once around that same launch, then
 *       {@code cuCtxSynchronize};</li>
 * </ul>
 * and reads the slot's status, which must be DONE. At the end, DONE_COUNT, the ATOMIC_ADD metric and the
 * target word in device memory must hold exactly what the operations add up to.
 */
public final class CudaLaunchPeers implements LaunchPeers {

    /** A kernel launch and a context synchronize per operation. */
    public static final Peer LAUNCH = new Peer("cuLaunchKernel+sync", "launch per op");
    /** A CUDA Graph launch and a context synchronize per operation. */
    public static final Peer GRAPH = new Peer("CUDA Graph launch+sync", "graph per op");
    /** The kernel's PTX on the class path (built from {@code vyre_peer.cu}). */
    static final String PTX = "dev/vyre/peer/cuda/vyre_peer.ptx";
    /** Control words in device memory: the protocol's minimum. */
    static final int CONTROL_WORDS = ControlLayout.CONTROL_MIN_WORDS + 1;
    /** The control word the ATOMIC_ADD slots add to: observable word 0. */
    static final int TARGET = ControlLayout.OBSERVABLE_BASE;
    private static final int THREADS = 32;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CUfunction kernel = new CUfunction();
    private final CUstream stream = new CUstream();
    private final CUdeviceptr control = new CUdeviceptr();
    private final CUdeviceptr slotOnDevice = new CUdeviceptr();
    private final Pointer slotOnHost = new Pointer();
    private final CUgraph graph = new CUgraph();
    private final CUgraphExec graphExec = new CUgraphExec();
    private MemorySegment slot;
    private Pointer params;
    /** What has been made, in order, so that {@link #close()} releases exactly that. */
    private int made;
    private boolean open;
    /** Operations run since open (warm-ups included) and the sum of their increments, for the final check. */
    private long operations;
    private long added;

    /** Loads nothing native until {@link #open()}. */
    public CudaLaunchPeers() {
    }

    @Override
    public String backend() {
        return "cuda";
    }

    @Override
    public List<Peer> peers() {
        return List.of(LAUNCH, GRAPH);
    }

    @Override
    public String open() {
        if (open) {
            return null;
        }
        try {
            return prepare();
        } catch (LinkageError e) {
            close();
            return "no CUDA driver here (libcuda.so.1 or JCuda's native library could not be loaded: "
                    + firstLine(e) + ")";
        } catch (RuntimeException e) {
            close();
            return "CUDA could not be set up: " + firstLine(e);
        }
    }

    /** @return null when everything is ready, else the first call that failed */
    private String prepare() {
        JCudaDriver.setExceptionsEnabled(false);
        String failed = call(cuInit(0), "cuInit");
        if (failed != null) {
            return failed;
        }
        int[] count = new int[1];
        failed = call(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (failed != null) {
            return failed;
        }
        int ordinal = deviceOrdinal();
        if (ordinal < 0 || ordinal >= count[0]) {
            return count[0] == 0 ? "the CUDA driver reports no device" : "CUDA device " + ordinal + " does not exist ("
                    + count[0] + " present; see -Dvyre.cuda.device / VYRE_CUDA_DEVICE)";
        }
        failed = call(cuDeviceGet(device, ordinal), "cuDeviceGet");
        if (failed == null) {
            failed = call(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        }
        if (failed != null) {
            return failed;
        }
        made = 1;
        failed = call(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        if (failed == null) {
            failed = call(cuModuleLoadData(module, ptx()), "cuModuleLoadData(vyre_peer.ptx)");
        }
        if (failed != null) {
            return failed;
        }
        made = 2;
        failed = call(cuModuleGetFunction(kernel, module, "vyre_peer_slot"), "cuModuleGetFunction");
        if (failed == null) {
            failed = call(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        }
        if (failed != null) {
            return failed;
        }
        made = 3;
        failed = call(cuMemAlloc(control, (long) CONTROL_WORDS * Integer.BYTES), "cuMemAlloc");
        if (failed != null) {
            return failed;
        }
        made = 4;
        failed = call(cuMemHostAlloc(slotOnHost, SlotLayout.SLOT_BYTES, JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP
                | JCudaDriver.CU_MEMHOSTALLOC_PORTABLE), "cuMemHostAlloc");
        if (failed != null) {
            return failed;
        }
        made = 5;
        failed = call(cuMemHostGetDevicePointer(slotOnDevice, slotOnHost, 0), "cuMemHostGetDevicePointer");
        if (failed == null) {
            failed = call(cuMemsetD32(control, 0, CONTROL_WORDS), "cuMemsetD32");
        }
        if (failed != null) {
            return failed;
        }
        slot = MemorySegment.ofBuffer(slotOnHost.getByteBuffer(0, SlotLayout.SLOT_BYTES));
        slot.fill((byte) 0);
        params = Pointer.to(Pointer.to(slotOnDevice), Pointer.to(control), Pointer.to(new int[] {CONTROL_WORDS}));
        failed = call(cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture");
        if (failed != null) {
            return failed;
        }
        String launch = call(launch(), "cuLaunchKernel (captured)");
        failed = call(cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        if (launch != null || failed != null) {
            return launch != null ? launch : failed;
        }
        made = 6;
        failed = call(cuGraphInstantiate(graphExec, graph, 0), "cuGraphInstantiate");
        if (failed != null) {
            return failed;
        }
        made = 7;
        open = true;
        return null;
    }

    private int launch() {
        return cuLaunchKernel(kernel, 1, 1, 1, THREADS, 1, 1, 0, stream, params, null);
    }

    @Override
    public Measurement measure(Peer peer, Duration warmup, Duration duration, LongConsumer latencyNanos) {
        if (!open) {
            throw new IllegalStateException("the CUDA peers are not open. Fix: call open() and measure only when it"
                    + " returned null");
        }
        boolean graphLaunch = peer.equals(GRAPH);
        if (!graphLaunch && !peer.equals(LAUNCH)) {
            throw new IllegalArgumentException("unknown peer " + peer + ". Fix: pass one of peers()");
        }
        cuCtxSetCurrent(context);
        long warmEnd = System.nanoTime() + warmup.toNanos();
        while (System.nanoTime() - warmEnd < 0) {
            String bad = once(graphLaunch);
            if (bad != null) {
                return new Measurement(0, 0, bad);
            }
        }
        long n = 0;
        long total = 0;
        long end = System.nanoTime() + duration.toNanos();
        do {
            long t0 = System.nanoTime();
            String bad = once(graphLaunch);
            long t = System.nanoTime() - t0;
            if (bad != null) {
                return new Measurement(n, total, bad);
            }
            latencyNanos.accept(t);
            total += t;
            n++;
        } while (System.nanoTime() - end < 0);
        return new Measurement(n, total, checkCounters());
    }

    /** One operation: write the slot, launch, synchronize, see DONE. @return null, or what went wrong */
    private String once(boolean graphLaunch) {
        int k = (int) (operations & 0xFF) + 1;
        long base = 0;
        Words.set(slot, base + SlotLayout.OPCODE_WORD, Opcodes.ATOMIC_ADD);
        Words.set(slot, base + SlotLayout.TENANT_WORD, 0);
        Words.set(slot, base + SlotLayout.PRIORITY_WORD, Priority.NORMAL);
        Words.set(slot, base + SlotLayout.ARG0_WORD, k);
        Words.set(slot, base + SlotLayout.ARG0_WORD + 1, TARGET);
        Words.set(slot, base + SlotLayout.ARG0_WORD + 2, 0);
        Words.setRelease(slot, base + SlotLayout.STATUS_WORD, SlotStatus.PUBLISHED);
        int launched = graphLaunch ? cuGraphLaunch(graphExec, stream) : launch();
        String bad = call(launched, graphLaunch ? "cuGraphLaunch" : "cuLaunchKernel");
        if (bad == null) {
            bad = call(cuCtxSynchronize(), "cuCtxSynchronize");
        }
        if (bad != null) {
            return bad;
        }
        int status = Words.getAcquire(slot, base + SlotLayout.STATUS_WORD);
        if (status != SlotStatus.DONE) {
            return "operation " + operations + ": the slot's status after the synchronize is "
                    + SlotStatus.name(status) + ", not DONE";
        }
        operations++;
        added += k;
        return null;
    }

    /** @return null when DONE_COUNT, the ATOMIC_ADD metric and the target word hold the operations' totals */
    private String checkCounters() {
        int[] words = new int[CONTROL_WORDS];
        String bad = call(cuMemcpyDtoH(Pointer.to(words), control, (long) CONTROL_WORDS * Integer.BYTES),
                "cuMemcpyDtoH");
        if (bad != null) {
            return bad;
        }
        if (words[ControlLayout.DONE_COUNT] != (int) operations) {
            return "DONE_COUNT is " + Integer.toUnsignedString(words[ControlLayout.DONE_COUNT]) + " after " + operations
                    + " operations";
        }
        if (words[ControlLayout.METRICS_BASE + Opcodes.ATOMIC_ADD] != (int) operations) {
            return "the ATOMIC_ADD metric is " + Integer.toUnsignedString(words[ControlLayout.METRICS_BASE
                    + Opcodes.ATOMIC_ADD]) + " after " + operations + " operations";
        }
        if (words[TARGET] != (int) added) {
            return "the target word holds " + Integer.toUnsignedString(words[TARGET]) + ", expected "
                    + Long.toString(added & 0xFFFF_FFFFL) + " (the sum of the increments)";
        }
        return null;
    }

    @Override
    public void close() {
        open = false;
        if (made >= 2) {
            cuCtxSetCurrent(context);
            cuCtxSynchronize();
        }
        if (made >= 7) {
            cuGraphExecDestroy(graphExec);
        }
        if (made >= 6) {
            cuGraphDestroy(graph);
        }
        if (made >= 5) {
            cuMemFreeHost(slotOnHost);
            slot = null;
        }
        if (made >= 4) {
            cuMemFree(control);
        }
        if (made >= 3) {
            cuStreamDestroy(stream);
        }
        if (made >= 2) {
            cuModuleUnload(module);
        }
        if (made >= 1) {
            cuDevicePrimaryCtxRelease(device);
        }
        made = 0;
    }

    private static byte[] ptx() {
        try (InputStream in = CudaLaunchPeers.class.getClassLoader().getResourceAsStream(PTX)) {
            if (in == null) {
                throw new IllegalStateException(PTX + " is not on the class path");
            }
            byte[] text = in.readAllBytes();
            byte[] terminated = new byte[text.length + 1];
            System.arraycopy(text, 0, terminated, 0, text.length);
            return terminated;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + PTX + ": " + e.getMessage(), e);
        }
    }

    private static int deviceOrdinal() {
        String text = System.getProperty("vyre.cuda.device", System.getenv().getOrDefault("VYRE_CUDA_DEVICE", "0"));
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return null for CUDA_SUCCESS, else {@code <call> failed with <CUDA_ERROR_...>} */
    private static String call(int result, String call) {
        return result == CUresult.CUDA_SUCCESS ? null : call + " failed with " + CUresult.stringFor(result);
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
