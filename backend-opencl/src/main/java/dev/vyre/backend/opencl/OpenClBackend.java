package dev.vyre.backend.opencl;

import dev.vyre.protocol.TenantIsolation;
import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.Backend;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * The OpenCL backend on one device: one-pass dispatches (copy in, one work-item per slot, copy out) on
 * every device, and persistent sessions ({@link OpenClSession}) where {@link OpenClPersistence} measured
 * that a running kernel sees host writes. Requests arrive validated by the runtime against
 * {@link #capabilities()}.
 */
public final class OpenClBackend implements Backend {

    /** Largest ring the protocol allows (the runtime's session cap). */
    static final int PROTOCOL_MAX_SLOTS = 1 << 20;
    /** Work-items per work-group of a one-pass dispatch. */
    static final int ONCE_LOCAL_SIZE = 64;
    /** Work-items per work-group of a persistent kernel on a GPU or accelerator. */
    static final int PERSISTENT_LOCAL_SIZE = 32;
    /** Bound on one one-pass dispatch (a custom opcode body may loop). */
    private static final long DISPATCH_TIMEOUT_NANOS = Duration.ofSeconds(120).toNanos();
    private static final long SPIN_NANOS = 200_000L;
    /** Compiled custom-opcode programs kept for later dispatches and sessions. */
    private static final int PROGRAM_CACHE = 8;
    /** One measurement per device and setting per process: it runs kernels for up to seconds. */
    private static final Map<String, OpenClPersistence.Verdict> VERDICTS = new ConcurrentHashMap<>();

    private final OpenClDevice device;
    private final ClProgram builtIn;
    private final long dispatchQueue;
    private final long onceKernel;
    private final OnePassBuffers onePass;
    private final OpenClPersistence.Verdict persistence;
    private final int groups;
    private final int groupSize;
    private final Object dispatchLock = new Object();
    private final Map<String, CustomProgram> customPrograms = new LinkedHashMap<>(16, 0.75f, true);
    private final List<OpenClSession> sessions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** A one-pass dispatch did not finish: its kernel may still use the buffers, so nothing is freed. */
    private volatile boolean hung;

    /** A custom-opcode program and its one-pass kernel. */
    private record CustomProgram(ClProgram program, long onceKernel) {
    }

    OpenClBackend(OpenClDevice device) {
        this.device = device;
        ClProgram program = null;
        long queue = 0;
        long kernel = 0;
        try {
            program = ClProgram.build(device, KernelSource.interpreter());
            queue = device.newQueue();
            kernel = program.newKernel("vyre_once");
        } catch (RuntimeException | Error e) {
            if (kernel != 0) {
                clReleaseKernel(kernel);
            }
            if (queue != 0) {
                clReleaseCommandQueue(queue);
            }
            if (program != null) {
                program.close();
            }
            device.close();
            throw e;
        }
        this.builtIn = program;
        this.dispatchQueue = queue;
        this.onceKernel = kernel;
        this.onePass = new OnePassBuffers(device);
        OpenClDevice.Candidate info = device.info();
        String key = info.platformName() + "/" + info.name() + "/" + info.driverVersion() + "/"
                + System.getProperty(OpenClPersistence.PROPERTY, "auto");
        this.persistence = VERDICTS.computeIfAbsent(key, k -> OpenClPersistence.decide(device, builtIn));
        if (info.isCpu()) {
            // one pthread per work-group on a CPU runtime: leave a core for the host and for one-pass work
            this.groups = Math.max(1, info.computeUnits() - 1);
            this.groupSize = 1;
        } else {
            this.groups = Math.max(1, info.computeUnits());
            this.groupSize = (int) Math.max(1, Math.min(PERSISTENT_LOCAL_SIZE, info.maxWorkGroupSize()));
        }
    }

    // ------------------------------------------------------------------ Backend

    @Override
    public DeviceInfo device() {
        OpenClDevice.Candidate info = device.info();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("platform", info.platformName() + " (" + info.platformVersion() + ")");
        details.put("deviceVersion", info.deviceVersion());
        details.put("openClC", info.openClCVersion());
        details.put("type", info.typeText());
        details.put("computeUnits", Integer.toString(info.computeUnits()));
        details.put("maxAllocBytes", Long.toString(info.maxAllocBytes()));
        details.put("hostUnifiedMemory", Boolean.toString(info.hostUnifiedMemory()));
        details.put("persistent", persistence.persistent() ? "true (" + persistence.kind() + ")" : "false");
        details.put("persistentEvidence", persistence.evidence());
        details.put("persistentLanes", persistence.persistent() ? Integer.toString(lanes()) : "0");
        details.put("binding", "LWJGL 3.4.3");
        return new DeviceInfo(info.name(), "OpenCL driver " + info.driverVersion(), details);
    }

    @Override
    public Capabilities capabilities() {
        long maxSlots = Math.min(PROTOCOL_MAX_SLOTS, device.info().maxAllocBytes() / 64);
        return new Capabilities((int) maxSlots, lanes(), Set.of(Placement.HOST_MAPPED), true, maxDataBytes(),
                persistence.persistent(), Set.of(KernelSource.DIALECT), Capabilities.UNLIMITED_LOOPS, true);
    }

    long maxDataBytes() {
        return Math.min(device.info().maxAllocBytes(), 0xFFFF_FFFCL) & ~3L;
    }

    /** @return work-items of a persistent kernel */
    int lanes() {
        return groups * groupSize;
    }

    int groups() {
        return groups;
    }

    int groupSize() {
        return groupSize;
    }

    OpenClDevice openClDevice() {
        return device;
    }

    OpenClPersistence.Verdict persistence() {
        return persistence;
    }

    /**
     * Starts the persistent kernel over new shared buffers.
     *
     * @throws BackendException when the device cannot run one (see {@link OpenClPersistence}), or the
     *         allocation, the compile or the launch fails
     */
    @Override
    public SessionDriver openSession(SessionSpec spec) {
        checkOpen();
        if (!persistence.persistent()) {
            throw new BackendException("persistent sessions cannot run on " + device.info().description() + ": "
                    + persistence.evidence(), "use Vyre.dispatch (one pass) here, or an OpenCL device where a running"
                    + " kernel sees host writes (see `vyre backends`)");
        }
        long kernel;
        synchronized (dispatchLock) {
            kernel = program(spec.opcodes(), spec.isolated()).newKernel("vyre_persistent");
        }
        OpenClSession session = OpenClSession.open(this, spec, kernel, sessions::remove);
        sessions.add(session);
        return session;
    }

    /** @return the built-in program, or a (cached) compiled program with {@code opcodes}' bodies */
    private ClProgram program(CustomOpcodes opcodes, boolean isolated) {
        return opcodes.isEmpty() && !isolated ? builtIn : custom(opcodes, isolated).program();
    }

    private CustomProgram custom(CustomOpcodes opcodes, boolean isolated) {
        String source = KernelSource.withCustomOpcodes(opcodes, isolated);
        CustomProgram p = customPrograms.get(source);
        if (p == null) {
            ClProgram program = ClProgram.build(device, source);
            long kernel;
            try {
                kernel = program.newKernel("vyre_once");
            } catch (RuntimeException e) {
                program.close();
                throw e;
            }
            p = new CustomProgram(program, kernel);
            customPrograms.put(source, p);
            if (customPrograms.size() > PROGRAM_CACHE) {
                var eldest = customPrograms.entrySet().iterator();
                CustomProgram old = eldest.next().getValue();
                eldest.remove();
                clReleaseKernel(old.onceKernel());
                old.program().close(); // a session's kernel keeps its program alive until it is released
            }
        }
        return p;
    }

    @Override
    public PassResult dispatch(PassRequest request) {
        checkOpen();
        synchronized (dispatchLock) {
            checkOpen();
            long kernel = request.opcodes().isEmpty() && !request.isolated() ? onceKernel
                    : custom(request.opcodes(), request.isolated()).onceKernel();
            return runOnce(kernel, request);
        }
    }

    private PassResult runOnce(long kernel, PassRequest request) {
        byte[][] parts = {request.control(), request.ring(), request.debugLog(), request.ioQueue(), request.data()};
        long[] offsets = new long[OnePassBuffers.BINDINGS];
        long at = 0;
        for (int i = 0; i < parts.length; i++) {
            offsets[i] = at;
            at += (parts[i].length + 63L) & ~63L;
        }
        boolean isolated = request.isolated();
        long linkBytes = OpenClLink.bytes(OpenClLink.BYTES, isolated);
        offsets[OnePassBuffers.LINK] = at;
        at += linkBytes;
        MemorySegment staging = onePass.staging(at);
        for (int i = 0; i < parts.length; i++) {
            MemorySegment.copy(parts[i], 0, staging, ValueLayout.JAVA_BYTE, offsets[i], parts[i].length);
        }
        MemorySegment linkStage = staging.asSlice(offsets[OnePassBuffers.LINK], linkBytes);
        linkStage.fill((byte) 0);
        long isolationAt = (long) OpenClLink.ISOLATION * Integer.BYTES;
        if (isolated) {
            int[] block = request.isolationBlock();
            MemorySegment.copy(block, 0, linkStage, ValueLayout.JAVA_INT_UNALIGNED, isolationAt, block.length);
        }
        long[] lengths = {parts[0].length, parts[1].length, parts[2].length, parts[3].length, parts[4].length,
                linkBytes};
        int slots = request.slotCount();
        long base = staging.address();
        try (MemoryStack stack = stackPush()) {
            long[] buffers = new long[OnePassBuffers.BINDINGS];
            for (int i = 0; i < OnePassBuffers.BINDINGS; i++) {
                buffers[i] = onePass.buffer(i, lengths[i]);
                if (lengths[i] > 0) {
                    ClCalls.check(nclEnqueueWriteBuffer(dispatchQueue, buffers[i], CL_FALSE, 0, lengths[i],
                            base + offsets[i], 0, 0, 0), "clEnqueueWriteBuffer");
                }
                ClCalls.check(clSetKernelArg1p(kernel, i, buffers[i]), "clSetKernelArg");
            }
            ClCalls.check(clSetKernelArg1i(kernel, 6, parts[0].length / 4), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1i(kernel, 7, slots), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1i(kernel, 8, parts[2].length / 4), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1i(kernel, 9, parts[3].length / 32), "clSetKernelArg");
            ClCalls.check(clSetKernelArg1l(kernel, 10, parts[4].length), "clSetKernelArg");
            if (slots > 0) {
                long local = Math.min(ONCE_LOCAL_SIZE, ClProgram.maxWorkGroupSize(kernel, device.device()));
                long global = ((long) slots + local - 1) / local * local;
                ClCalls.check(clEnqueueNDRangeKernel(dispatchQueue, kernel, 1, null, stack.pointers(global),
                        stack.pointers(local), null, null), "clEnqueueNDRangeKernel(vyre_once)");
            }
            if (isolated) {
                ClCalls.check(nclEnqueueReadBuffer(dispatchQueue, buffers[OnePassBuffers.LINK], CL_FALSE, isolationAt,
                        TenantIsolation.TENANTS * Integer.BYTES, linkStage.address() + isolationAt, 0, 0, 0),
                        "clEnqueueReadBuffer");
            }
            // control (never empty) is read last: its event ends the dispatch
            PointerBuffer done = stack.mallocPointer(1);
            for (int i = parts.length - 1; i >= 0; i--) {
                if (lengths[i] > 0) {
                    ClCalls.check(nclEnqueueReadBuffer(dispatchQueue, buffers[i], CL_FALSE, 0, lengths[i],
                            base + offsets[i], 0, 0, i == 0 ? MemoryUtil.memAddress(done) : 0), "clEnqueueReadBuffer");
                }
            }
            ClCalls.check(clFlush(dispatchQueue), "clFlush");
            await(done.get(0));
        }
        for (int i = 0; i < parts.length; i++) {
            MemorySegment.copy(staging, ValueLayout.JAVA_BYTE, offsets[i], parts[i], 0, parts[i].length);
        }
        int[] violations = new int[isolated ? TenantIsolation.TENANTS : 0];
        if (isolated) {
            MemorySegment.copy(linkStage, ValueLayout.JAVA_INT_UNALIGNED, isolationAt, violations, 0, violations.length);
        }
        return new PassResult(parts[0], parts[1], parts[2], parts[3], parts[4], violations);
    }

    /** Waits for the event that ends a dispatch: spins briefly, then parks; bounded by 120 s. */
    private void await(long event) {
        try {
            long start = System.nanoTime();
            long park = 1_000L;
            while (true) {
                int status = OpenClPersistence.status(event);
                if (status == CL_COMPLETE) {
                    return;
                }
                if (status < 0) {
                    throw new BackendException("a one-pass OpenCL dispatch failed on the device with "
                            + ClCalls.name(status) + " (" + status + ")", "check the OpenCL driver with clinfo; a"
                            + " custom opcode body may have faulted");
                }
                long waited = System.nanoTime() - start;
                if (waited > DISPATCH_TIMEOUT_NANOS) {
                    hung = true;
                    throw new BackendException("a one-pass OpenCL dispatch did not finish within 120 s",
                            "the device is hung; close the backend (and check for a custom opcode that loops)");
                }
                if (waited < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(park);
                    park = Math.min(park << 1, 1_000_000L);
                }
            }
        } finally {
            if (!hung) {
                clReleaseEvent(event);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BackendException("the OpenCL backend is closed", "open it again with Vyre.open(\"opencl\")");
        }
        if (hung) {
            throw new BackendException("a one-pass OpenCL dispatch on this backend never finished",
                    "close the backend and open it again; check custom opcodes for loops");
        }
    }

    /**
     * Stops and closes any session the runtime left open (it closes them first), then frees every device
     * resource, unless a kernel did not stop: then the device stays as it is, so the running kernel never
     * touches freed memory.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (OpenClSession session : sessions) {
            try {
                session.writeControl(ControlLayout.SHUTDOWN, 1);
                session.stop(OpenClSession.STOP_TIMEOUT);
                session.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        boolean stuck = hung || sessions.stream().anyMatch(OpenClSession::isStuck);
        if (!stuck) {
            synchronized (dispatchLock) {
                clFinish(dispatchQueue);
                for (CustomProgram p : customPrograms.values()) {
                    clReleaseKernel(p.onceKernel());
                    p.program().close();
                }
                customPrograms.clear();
                clReleaseKernel(onceKernel);
                onePass.close();
                clReleaseCommandQueue(dispatchQueue);
                builtIn.close();
                device.close();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "OpenClBackend[%s]", device.info().description());
    }
}
