package dev.vyre.backend.reference;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.spi.Backend;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.DispatchRequest;
import dev.vyre.spi.DispatchResult;
import dev.vyre.spi.MemoryKind;
import dev.vyre.spi.PersistentSession;
import dev.vyre.spi.SessionCloser;
import dev.vyre.spi.SessionOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pure-Java reference interpreter: the oracle every GPU backend is held to, and the
 * embedded default where no GPU is available. Persistent sessions run on worker threads over
 * off-heap memory; {@link #dispatch} runs every slot once, in ascending slot order, on the
 * calling thread (the canonical order).
 */
final class ReferenceBackend implements Backend {

    /** Largest data buffer a session or dispatch may carry (16 GiB). */
    static final long MAX_DATA_BYTES = 1L << 34;

    private final DeviceInfo device;
    private final Capabilities capabilities;
    private final Set<ReferenceSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ReferenceBackend(DeviceInfo device) {
        this.device = device;
        this.capabilities = new Capabilities(SessionOptions.MAX_SLOTS, Runtime.getRuntime().availableProcessors(),
                Set.of(MemoryKind.HOST), true, MAX_DATA_BYTES, true, true);
    }

    @Override
    public String name() {
        return ReferenceBackendProvider.NAME;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public PersistentSession openSession(SessionOptions options) {
        Objects.requireNonNull(options, "options");
        ensureOpen();
        if (options.dataBufferBytes() > MAX_DATA_BYTES) {
            throw new BackendException("data buffer of " + options.dataBufferBytes()
                    + " bytes exceeds the reference backend's limit of " + MAX_DATA_BYTES + " bytes",
                    "use a smaller data buffer or stream it in parts");
        }
        ReferenceSession session = ReferenceSession.open(options, sessions::remove);
        sessions.add(session);
        if (closed) {
            session.close();
            ensureOpen();
        }
        return session;
    }

    @Override
    public DispatchResult dispatch(DispatchRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        request.validate();
        OpcodeTable table = OpcodeTable.of(request.opcodes());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = copyIn(arena, request.control());
            MemorySegment ring = copyIn(arena, request.ring());
            MemorySegment debug = copyIn(arena, request.debugLog());
            MemorySegment io = copyIn(arena, request.ioQueue());
            MemorySegment data = request.data().length == 0 ? MemorySegment.NULL : copyIn(arena, request.data());
            SlotExecutor executor = new SlotExecutor(control, ring, debug, io, data, table,
                    request.ioWaitTimeout().toNanos());
            int slots = request.ring().length / SlotLayout.SLOT_BYTES;
            for (int s = 0; s < slots; s++) {
                if (executor.shutdownRequested()) {
                    break;
                }
                executor.tryExecute(s);
            }
            return new DispatchResult(copyOut(control), copyOut(ring), copyOut(debug), copyOut(io),
                    data.byteSize() == 0 ? new byte[0] : copyOut(data));
        }
    }

    private static MemorySegment copyIn(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static byte[] copyOut(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    private void ensureOpen() {
        if (closed) {
            throw new BackendException("the reference backend is closed", "open it again with Backends.open(\"reference\")");
        }
    }

    @Override
    public void close() {
        closed = true;
        RuntimeException failure = SessionCloser.closeEach(new ArrayList<>(sessions));
        if (failure != null) {
            throw failure;
        }
    }
}
