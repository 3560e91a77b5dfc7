package dev.vyre.backend.reference;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.spi.Backend;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.Words;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pure-Java reference interpreter: the oracle every GPU backend is held to, and the
 * embedded default where no GPU is available. Persistent sessions run on worker threads over
 * off-heap memory ({@link ReferenceDriver}); {@link #dispatch} runs every slot once, in ascending
 * slot order, on the calling thread (the canonical order).
 */
final class ReferenceBackend implements Backend {

    /** Largest ring a session or dispatch may use. */
    static final int MAX_SLOTS = 1 << 20;
    /** Largest data buffer a session or dispatch may carry (16 GiB). */
    static final long MAX_DATA_BYTES = 1L << 34;

    private final DeviceInfo device;
    private final Capabilities capabilities;
    /** Drivers not closed yet; each removes itself when it closes. */
    private final Set<ReferenceDriver> drivers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ReferenceBackend(DeviceInfo device) {
        this.device = device;
        this.capabilities = new Capabilities(MAX_SLOTS, Runtime.getRuntime().availableProcessors(),
                Set.of(Placement.HOST), true, MAX_DATA_BYTES, true, Set.of(CustomOpcode.JAVA),
                Capabilities.UNLIMITED_LOOPS, true);
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /**
     * Allocates the session's buffers off-heap, writes their initial contents and starts the worker
     * threads.
     *
     * @throws BackendException when the backend is closed or a custom opcode has no Java body
     */
    @Override
    public SessionDriver openSession(SessionSpec spec) {
        Objects.requireNonNull(spec, "spec");
        ensureOpen();
        ReferenceDriver driver = ReferenceDriver.open(spec, drivers::remove);
        drivers.add(driver);
        if (closed) {
            driver.shutDown();
            ensureOpen();
        }
        return driver;
    }

    /**
     * Runs every PUBLISHED, authorised slot once, in ascending slot order, on the calling thread, over
     * off-heap copies of the request's buffers; the results are copied back into the request's arrays
     * (the runtime's own copies), which the result returns. A SHUTDOWN seen in the control buffer ends
     * the pass before the next slot.
     *
     * @throws BackendException when the backend is closed or a custom opcode has no Java body
     */
    @Override
    public PassResult dispatch(PassRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        OpcodeTable table = OpcodeTable.of(request.opcodes());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = copyIn(arena, request.control());
            MemorySegment ring = copyIn(arena, request.ring());
            MemorySegment debug = copyIn(arena, request.debugLog());
            MemorySegment io = copyIn(arena, request.ioQueue());
            MemorySegment data = request.data().length == 0 ? MemorySegment.NULL : copyIn(arena, request.data());
            MemorySegment isolation = request.isolated()
                    ? ReferenceDriver.isolationBlock(arena, request.isolationBlock()) : MemorySegment.NULL;
            SlotExecutor executor = new SlotExecutor(control, ring, debug, io, data, table,
                    request.ioWaitTimeout().toNanos(), isolation);
            int slots = request.ring().length / SlotLayout.SLOT_BYTES;
            for (int s = 0; s < slots; s++) {
                if (executor.shutdownRequested()) {
                    break;
                }
                executor.tryExecute(s);
            }
            executor.completeRun();
            int[] violations = new int[request.isolated() ? TenantIsolation.TENANTS : 0];
            for (int t = 0; t < violations.length; t++) {
                violations[t] = Words.get(isolation, TenantIsolation.VIOLATIONS_BASE + t);
            }
            return new PassResult(copyOut(control, request.control()), copyOut(ring, request.ring()),
                    copyOut(debug, request.debugLog()), copyOut(io, request.ioQueue()),
                    copyOut(data, request.data()), violations);
        }
    }

    private static MemorySegment copyIn(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static byte[] copyOut(MemorySegment segment, byte[] dst) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, dst, 0, dst.length);
        return dst;
    }

    private void ensureOpen() {
        if (closed) {
            throw new BackendException("the reference backend is closed", "open it again with Vyre.open(\"reference\")");
        }
    }

    /**
     * Marks the backend closed; idempotent. The runtime closes every session before; a driver still
     * open (opened through the SPI directly and never closed) is shut down here, so that no worker
     * thread outlives its backend.
     */
    @Override
    public void close() {
        closed = true;
        for (ReferenceDriver driver : drivers) {
            driver.shutDown();
        }
    }
}
