package dev.vyre.backend.cuda;

import dev.vyre.protocol.TenantIsolation;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ProtocolLimits;
import dev.vyre.spi.Backend;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import dev.vyre.spi.cache.CompileCache;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * The CUDA backend on one device: persistent sessions and one-pass dispatches. Custom opcodes run
 * from their {@value #DIALECT} body, compiled with NVRTC.
 */
final class CudaBackend implements Backend {

    /** The custom-opcode body dialect this backend compiles. */
    static final String DIALECT = "cuda-c";
    private static final int ONCE_THREADS = 256;

    private final CudaDevice device;
    /** Where NVRTC output is kept between registrations and runs. */
    private final CompileCache cache;
    /** Session drivers opened and not yet closed. */
    private final List<CudaSessionDriver> sessions = new CopyOnWriteArrayList<>();
    private final CUstream stream = new CUstream();
    private final Object dispatchLock = new Object();
    private final OnePassBuffers onePass;
    private volatile boolean closed;

    CudaBackend(CudaDevice device) {
        this(device, CompileCache.shared());
    }

    /** @param cache where NVRTC output is kept (tests and tools pass their own) */
    CudaBackend(CudaDevice device, CompileCache cache) {
        this.device = device;
        this.onePass = new OnePassBuffers(device.releases());
        this.cache = cache;
        device.makeCurrent();
        CudaCalls.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    }

    @Override
    public DeviceInfo device() {
        return new DeviceInfo(device.name(), "CUDA driver " + device.driverVersion(),
                Map.of("computeCapability", device.computeCapability() / 10 + "." + device.computeCapability() % 10,
                        "multiprocessors", Integer.toString(device.multiprocessors()),
                        "binding", "JCuda 12.6.0 (driver API)"));
    }

    @Override
    public Capabilities capabilities() {
        int lanes = device.multiprocessors() * CudaTuning.threadsPerBlock();
        return new Capabilities((int) ProtocolLimits.MAX_ENCODED_RING_SLOTS, lanes,
                Set.of(Placement.HOST_MAPPED, Placement.DEVICE), true, 1L << 30, true, Set.of(DIALECT),
                Capabilities.UNLIMITED_LOOPS, true);
    }

    @Override
    public SessionDriver openSession(SessionSpec spec) {
        checkOpen();
        CudaSessionDriver driver = new CudaSessionDriver(this, device, spec);
        sessions.add(driver);
        return driver;
    }

    /** @return the compile cache custom-opcode kernels go through */
    CompileCache compileCache() {
        return cache;
    }

    /** Called by a driver's {@code close()}. */
    void forget(CudaSessionDriver driver) {
        sessions.remove(driver);
    }

    @Override
    public PassResult dispatch(PassRequest request) {
        checkOpen();
        synchronized (dispatchLock) {
            device.makeCurrent();
            MegakernelModule module = request.opcodes().isEmpty() && !request.isolated() ? device.builtIn()
                    : MegakernelModule.compile(request.opcodes(), device.computeCapability(), cache,
                            request.isolated());
            try {
                return runOnce(module, request);
            } finally {
                if (module != device.builtIn()) {
                    device.releases().release(module);
                }
            }
        }
    }

    private PassResult runOnce(MegakernelModule module, PassRequest request) {
        OnePassBuffers b = onePass;
        b.ensure(request);
        MemorySegment host = b.staging.segment();
        long[] offsets = b.layout(request);
        byte[][] parts = {request.control(), request.ring(), request.debugLog(), request.ioQueue(), request.data()};
        for (int i = 0; i < parts.length; i++) {
            MemorySegment.copy(MemorySegment.ofArray(parts[i]), 0, host, offsets[i], parts[i].length);
        }
        long isolationAt = offsets[parts.length];
        if (request.isolated()) {
            int[] isolation = request.isolationBlock();
            MemorySegment.copy(isolation, 0, host, ValueLayout.JAVA_INT_UNALIGNED, isolationAt, isolation.length);
        }
        long total = offsets[parts.length + 1];
        b.device.upload(b.staging, 0, 0, total, stream);

        MemorySegment block = host.asSlice(total, KernelArgs.BYTES);
        block.fill((byte) 0);
        long base = b.device.address();
        KernelArgs.put(block, KernelArgs.CONTROL, base + offsets[0]);
        KernelArgs.put(block, KernelArgs.CONTROL_WORDS, request.control().length / 4);
        KernelArgs.put(block, KernelArgs.RING, base + offsets[1]);
        KernelArgs.put(block, KernelArgs.SLOT_COUNT, request.slotCount());
        KernelArgs.put(block, KernelArgs.DEBUG_LOG, base + offsets[2]);
        KernelArgs.put(block, KernelArgs.DEBUG_WORDS, request.debugLog().length / 4);
        KernelArgs.put(block, KernelArgs.IO_QUEUE, base + offsets[3]);
        KernelArgs.put(block, KernelArgs.IO_SLOTS, request.ioQueue().length / 32);
        KernelArgs.put(block, KernelArgs.DATA, base + offsets[4]);
        KernelArgs.put(block, KernelArgs.DATA_BYTES, request.data().length);
        KernelArgs.put(block, KernelArgs.IO_TIMEOUT_NS, request.ioWaitTimeout().toNanos());
        KernelArgs.put(block, KernelArgs.ISOLATION, request.isolated() ? base + isolationAt : 0L);
        b.args.upload(b.staging, total, 0, KernelArgs.BYTES, stream);

        int blocks = (request.slotCount() + ONCE_THREADS - 1) / ONCE_THREADS;
        CudaCalls.check(cuLaunchKernel(module.once(), blocks, 1, 1, ONCE_THREADS, 1, 1, 0, stream,
                Pointer.to(Pointer.to(b.args.pointer())), null), "cuLaunchKernel(vyre_once)");
        b.device.download(b.staging, 0, 0, total, stream);
        CudaCalls.check(cuStreamSynchronize(stream), "cuStreamSynchronize(vyre_once)");

        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = host.asSlice(offsets[i], parts[i].length).toArray(ValueLayout.JAVA_BYTE);
        }
        int[] violations = new int[request.isolated() ? TenantIsolation.TENANTS : 0];
        if (violations.length != 0) {
            MemorySegment.copy(host, ValueLayout.JAVA_INT_UNALIGNED, isolationAt + TenantIsolation.VIOLATIONS_BASE * 4L,
                    violations, 0, violations.length);
        }
        return new PassResult(out[0], out[1], out[2], out[3], out[4], violations);
    }

    private void checkOpen() {
        if (closed) {
            throw new BackendException("the CUDA backend is closed", "open it again with Vyre.open(\"cuda\")");
        }
    }

    /**
     * Releases the dispatch stream and buffers. The runtime closes every session first; each driver
     * owns its own streams and buffers, so one left open is not affected.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (dispatchLock) {
            device.makeCurrent();
            onePass.close();
            cuStreamDestroy(stream);
        }
    }

    /** Device and pinned staging memory reused by one-pass dispatches, grown on demand. */
    private static final class OnePassBuffers implements AutoCloseable {
        private static final long ALIGN = 256;
        DeviceMemory device;
        DeviceMemory args;
        PinnedBuffer staging;

        /** @return start offsets of control, ring, debug log, IO queue, data, the isolation block, then the total */
        long[] layout(PassRequest r) {
            long[] sizes = {r.control().length, r.ring().length, r.debugLog().length, r.ioQueue().length,
                    r.data().length, r.isolated() ? TenantIsolation.BLOCK_WORDS * 4L : 0L};
            long[] offsets = new long[sizes.length + 1];
            long at = 0;
            for (int i = 0; i < sizes.length; i++) {
                offsets[i] = at;
                at += (sizes[i] + ALIGN - 1) / ALIGN * ALIGN;
            }
            offsets[sizes.length] = at;
            return offsets;
        }

        private final DeferredRelease releases;

        OnePassBuffers(DeferredRelease releases) {
            this.releases = releases;
        }

        void ensure(PassRequest r) {
            long needed = layout(r)[6];
            if (device == null || device.byteSize() < needed) {
                close();
                long size = Math.max(needed, 1 << 20);
                device = new DeviceMemory(size);
                args = new DeviceMemory(KernelArgs.BYTES);
                staging = new PinnedBuffer(size + KernelArgs.BYTES);
            }
        }

        @Override
        public void close() {
            if (device != null) {
                // a persistent session's kernel may run in the same context: free through the ledger
                releases.release(device, args, staging);
                device = null;
            }
        }
    }
}
