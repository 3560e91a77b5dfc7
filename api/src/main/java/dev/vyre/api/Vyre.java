package dev.vyre.api;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.TenantIsolation;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apiguardian.api.API;

/**
 * The entry point: finds backends, opens one, and opens sessions and one-pass dispatches on it.
 *
 * <pre>{@code
 * try (Vyre vyre = Vyre.open();                     // the best available backend
 *      Session session = vyre.openSession(SessionOptions.builder().slotCount(1024).build())) {
 *     session.publish(0, 0, Opcodes.ATOMIC_ADD, 5, 160 + 7, 0);
 *     session.awaitSlotStatus(0, SlotStatus.DONE, Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p>Backends are plugins found with {@link java.util.ServiceLoader}. {@link #open()} picks the
 * available one with the highest priority, unless the system property {@value #PROPERTY} or the
 * environment variable {@value #ENV} names one. Every request is validated here, before a backend
 * sees it. Thread-safe; {@link #close()} closes every session opened through it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class Vyre implements AutoCloseable {

    /** System property that forces a backend by name. */
    public static final String PROPERTY = "vyre.backend";
    /** Environment variable that forces a backend by name (the property wins). */
    public static final String ENV = "VYRE_BACKEND";
    /** Buffers a one-pass dispatch hands over and reads back: control, ring, debug log, IO queue, data. */
    private static final int DISPATCH_BUFFERS = 5;

    private final String name;
    private final Backend backend;
    private final Device device;
    private final Capabilities capabilities;
    private final Features features;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Vyre(String name, Backend backend) {
        this.name = name;
        this.backend = backend;
        DeviceInfo info = backend.device();
        this.capabilities = backend.capabilities();
        if (info == null || capabilities == null) {
            throw new BackendException("backend '" + name + "' reported no " + (info == null ? "device" : "capabilities"),
                    "report this to the backend's author: Backend.device() and capabilities() must not return null");
        }
        this.device = new Device(info.name(), info.driver(), info.details());
        Set<String> placements = new TreeSet<>();
        for (Placement p : capabilities.placements()) {
            placements.add(p.name());
        }
        this.features = new Features(capabilities.maxSlots(), capabilities.lanes(), capabilities.persistent(),
                capabilities.dataBuffer(), capabilities.maxDataBufferBytes(), capabilities.dialects(), placements,
                capabilities.maxLoopIterations(), capabilities.isolation());
    }

    // ------------------------------------------------------------------ finding and opening backends

    /** @return every backend on the class or module path, probed, by descending priority then name */
    public static List<BackendInfo> backends() {
        return Providers.discover(Vyre.class.getClassLoader()).stream().map(Providers.Found::info).toList();
    }

    /**
     * @param requested a backend name, or null for the default
     * @return the backend {@link #open(String)} would open
     * @throws BackendException when it cannot run here, or none can
     */
    public static BackendInfo select(String requested) {
        return Providers.select(Providers.discover(Vyre.class.getClassLoader()), requested, System.getenv(ENV)).info();
    }

    /** @return the backend name forced by {@value #PROPERTY} or {@value #ENV}, or null */
    public static String forcedName() {
        return Providers.forcedName(System.getProperty(PROPERTY), System.getenv(ENV));
    }

    /**
     * Lists every device of every backend on the class or module path, in backend order (as
     * {@link #backends()}) then device index. An unavailable backend lists one unavailable entry with its
     * reason. Never throws.
     */
    public static List<BackendDevice> devices() {
        List<BackendDevice> out = new ArrayList<>();
        for (Providers.Found found : Providers.discover(Vyre.class.getClassLoader())) {
            out.addAll(devicesOf(found.provider(), found.info()));
        }
        return List.copyOf(out);
    }

    /**
     * Lists the devices of the backend called {@code name} (or of the default when null).
     *
     * @throws BackendException when the backend is not on the class path or cannot run here
     */
    public static List<BackendDevice> devices(String name) {
        Providers.Found found = Providers.select(Providers.discover(Vyre.class.getClassLoader()), name,
                System.getenv(ENV));
        return Providers.devices(found.provider(), found.info());
    }

    /** Opens the default backend: the forced one, else the highest-priority available one. */
    public static Vyre open() {
        return open((String) null);
    }

    /**
     * Opens the backend called {@code name} (or the default when null).
     *
     * @throws BackendException when it is not on the class path or cannot run here
     */
    public static Vyre open(String name) {
        Providers.Found found = Providers.select(Providers.discover(Vyre.class.getClassLoader()), name,
                System.getenv(ENV));
        return open(found.provider(), found.info());
    }

    /**
     * Opens the backend called {@code name} (or the default when null) on device {@code device} of
     * {@link #devices(String)}. Every session and dispatch of the returned instance runs on that device.
     *
     * @throws VyreArgumentException        when {@code device} is negative
     * @throws UnsupportedFeatureException  when the backend has no such device
     * @throws BackendException             when it is not on the class path or cannot run here
     */
    public static Vyre open(String name, int device) {
        if (device < 0) {
            throw new VyreArgumentException("device", "device index " + device + " is negative",
                    "pass a device index from Vyre.devices(name) (0 is the first device)");
        }
        Providers.Found found = Providers.select(Providers.discover(Vyre.class.getClassLoader()), name,
                System.getenv(ENV));
        return open(found.provider(), found.info(), device);
    }

    /**
     * Opens a given provider; for backend authors and the conformance suite.
     *
     * @throws BackendException when its probe says it cannot run here
     */
    @API(status = API.Status.MAINTAINED, since = "0.2")
    public static Vyre open(BackendProvider provider) {
        BackendInfo info = Providers.describe(Objects.requireNonNull(provider, "provider"));
        if (!info.available()) {
            throw new BackendException("backend '" + info.name() + "' cannot run here: " + info.reason(),
                    "run on a machine where it is available");
        }
        return open(provider, info);
    }

    /**
     * Opens a given provider on device {@code device} of its {@link BackendProvider#devices()}; for backend
     * authors and the conformance suite (one run per device).
     *
     * @throws VyreArgumentException       when {@code device} is negative
     * @throws UnsupportedFeatureException when the backend has no such device
     * @throws BackendException            when its probe says it cannot run here
     */
    @API(status = API.Status.MAINTAINED, since = "0.3")
    public static Vyre open(BackendProvider provider, int device) {
        if (device < 0) {
            throw new VyreArgumentException("device", "device index " + device + " is negative",
                    "pass a device index from Vyre.devices(name) (0 is the first device)");
        }
        BackendInfo info = Providers.describe(Objects.requireNonNull(provider, "provider"));
        if (!info.available()) {
            throw new BackendException("backend '" + info.name() + "' cannot run here: " + info.reason(),
                    "run on a machine where it is available");
        }
        return open(provider, info, device);
    }

    /**
     * @return the devices of {@code provider}, never throwing; for backend authors and the conformance suite
     */
    @API(status = API.Status.MAINTAINED, since = "0.3")
    public static List<BackendDevice> devices(BackendProvider provider) {
        return devicesOf(provider, Providers.describe(Objects.requireNonNull(provider, "provider")));
    }

    private static List<BackendDevice> devicesOf(BackendProvider provider, BackendInfo info) {
        return info.available() ? Providers.devices(provider, info)
                : List.of(new BackendDevice(info.name(), 0, false, "", "", info.reason()));
    }

    /** @return what {@code provider}'s probe says, never throwing; for backend authors and the conformance suite */
    @API(status = API.Status.MAINTAINED, since = "0.2")
    public static BackendInfo describe(BackendProvider provider) {
        return Providers.describe(Objects.requireNonNull(provider, "provider"));
    }

    /** @return every provider on the class path with its probe; for the conformance suite */
    @API(status = API.Status.INTERNAL, since = "0.2")
    public static List<BackendProvider> providers() {
        return Providers.discover(Vyre.class.getClassLoader()).stream().map(Providers.Found::provider).toList();
    }

    private static Vyre open(BackendProvider provider, BackendInfo info) {
        return open(provider, info, -1);
    }

    /** Opens {@code provider} on device {@code device}, or on its default device when negative. */
    private static Vyre open(BackendProvider provider, BackendInfo info, int device) {
        Backend backend = JvmSignalHandlers.guard("opening backend '" + info.name() + "'",
                () -> device < 0 ? provider.open() : provider.open(device));
        if (backend == null) {
            throw new BackendException("backend '" + info.name() + "' opened nothing",
                    "report this to the backend's author: BackendProvider.open() must not return null");
        }
        try {
            return new Vyre(info.name(), backend);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ the opened backend

    /** @return the backend's name */
    public String name() {
        return name;
    }

    /** @return the device it runs on */
    public Device device() {
        return device;
    }

    /** @return what it can do */
    public Features features() {
        return features;
    }

    /**
     * Starts a persistent interpreter: it runs until SHUTDOWN (opcode or control word 0) or
     * {@link Session#close()}, while the host publishes slots.
     *
     * @throws UnsupportedFeatureException when the backend runs one-pass dispatches only, the options exceed
     *         what it can do, or a custom opcode has no body in a dialect it runs (nothing was opened)
     * @throws BackendException when the device fails
     */
    public Session openSession(SessionOptions options) {
        Objects.requireNonNull(options, "options");
        ensureOpen();
        if (!capabilities.persistent()) {
            throw new UnsupportedFeatureException(name, "persistent sessions", "backend '" + name + "' on " + device.name() + " runs one-pass dispatches"
                    + " only and cannot open a persistent session", "use Vyre.dispatch, or pick a backend whose"
                    + " `vyre backends` line says persistent");
        }
        checkFits(options.slotCount(), options.dataBufferBytes(), options.opcodes());
        checkIsolation(options.isolation() != null);
        SessionEvents.SessionOpen event = SessionEvents.beginOpen();
        SessionDriver driver = JvmSignalHandlers.guard("opening a session on backend '" + name + "'",
                () -> backend.openSession(options.toSpec()));
        if (driver == null) {
            throw new BackendException("backend '" + name + "' opened no session driver",
                    "report this to the backend's author: Backend.openSession must not return null");
        }
        Session session;
        try {
            session = new Session(this, options, driver);
        } catch (RuntimeException | Error e) {
            discard(driver, e);
            throw e;
        }
        sessions.add(session);
        if (closed) {
            session.close();
            ensureOpen();
        }
        SessionEvents.endOpen(event, session, device.name(), options.opcodes().entries().size());
        return session;
    }

    /**
     * One pass over a ring the host filled beforehand: every PUBLISHED,
     * authorised slot runs once; the buffers come back. The caller's arrays are never modified.
     *
     * @throws dev.vyre.protocol.PipelineException when a buffer has the wrong shape (checked in the protocol's
     *         order: control, debug log, IO queue, ring)
     * @throws UnsupportedFeatureException when the request exceeds what the backend can do (nothing ran)
     * @throws BackendException when the device fails
     */
    public DispatchResult dispatch(DispatchRequest request) {
        long start = System.nanoTime();
        Objects.requireNonNull(request, "request");
        ensureOpen();
        request.validate();
        checkFits(request.slotCount(), request.data().length, request.opcodes());
        checkIsolation(request.isolation() != null);
        if (request.isolation() != null) {
            request.isolation().encode(request.control().length / 4 - 160L, request.data().length);
        }
        PassResult r = backend.dispatch(new PassRequest(request.control().clone(), request.ring().clone(),
                request.debugLog().clone(), request.ioQueue().clone(), request.data().clone(), request.opcodes(),
                request.ioWaitTimeout(), request.isolation()));
        if (r == null || r.control().length != request.control().length || r.ring().length != request.ring().length
                || r.debugLog().length != request.debugLog().length || r.ioQueue().length != request.ioQueue().length
                || r.data().length != request.data().length) {
            throw new BackendException("backend '" + name + "' returned buffers of other lengths than it was given",
                    "report this to the backend's author: Backend.dispatch must return buffers of the request's lengths");
        }
        long bytes = (long) r.control().length + r.ring().length + r.debugLog().length + r.ioQueue().length
                + r.data().length;
        DispatchStats stats = new DispatchStats(bytes, bytes, 2L * DISPATCH_BUFFERS, System.nanoTime() - start,
                DISPATCH_BUFFERS, 1, 1, false);
        int[] violations = r.isolationViolations();
        if (request.isolation() != null && violations.length != TenantIsolation.TENANTS) {
            throw new BackendException("backend '" + name + "' returned " + violations.length + " isolation violation"
                    + " counters for an isolated pass", "report this to the backend's author: an isolated pass must"
                    + " return " + TenantIsolation.TENANTS + " counters in PassResult.isolationViolations");
        }
        return new DispatchResult(r.control(), r.ring(), r.debugLog(), r.ioQueue(), r.data(), stats,
                violations.clone());
    }

    /** Refuses isolated mode on a backend whose capabilities do not declare it. */
    private void checkIsolation(boolean isolated) {
        if (isolated && !capabilities.isolation()) {
            throw new UnsupportedFeatureException(name, "tenant isolation", "backend '" + name + "' on " + device.name()
                    + " cannot run isolated mode (tenant windows)", "open the session without isolation, or pick a"
                    + " backend whose features list isolation");
        }
    }

    /** Stops and closes a driver the runtime refused; every step runs even when an earlier one fails. */
    private static void discard(SessionDriver driver, Throwable cause) {
        try {
            driver.writeControl(0, 1);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            driver.stop(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            driver.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void checkFits(int slotCount, long dataBytes, CustomOpcodes opcodes) {
        if (slotCount > capabilities.maxSlots()) {
            throw new UnsupportedFeatureException(name, "ring size", "a ring of " + slotCount + " slots exceeds backend '" + name + "''s limit of "
                    + capabilities.maxSlots(), "use at most " + capabilities.maxSlots() + " slots");
        }
        if (dataBytes > 0 && (!capabilities.dataBuffer() || dataBytes > capabilities.maxDataBufferBytes())) {
            throw new UnsupportedFeatureException(name, "data buffer size", "a data buffer of " + dataBytes + " bytes exceeds backend '" + name
                    + "''s limit of " + (capabilities.dataBuffer() ? capabilities.maxDataBufferBytes() : 0) + " bytes",
                    "use a smaller data buffer, stream it in parts, or pick another backend");
        }
        for (CustomOpcode op : opcodes.entries()) {
            boolean runnable = false;
            for (String dialect : op.dialects()) {
                runnable |= capabilities.dialects().contains(dialect);
            }
            if (!runnable) {
                throw new UnsupportedFeatureException(name, "custom-opcode dialects " + op.dialects(), "custom opcode 0x"
                        + Integer.toHexString(op.opcode()) + " has bodies in "
                        + op.dialects() + " but backend '" + name + "' runs " + (capabilities.dialects().isEmpty()
                        ? "no custom opcodes" : "only " + new TreeSet<>(capabilities.dialects())),
                        "add a body in one of the backend's dialects, or pick another backend");
            }
            checkLoops(op);
        }
    }

    /**
     * Refuses an opcode whose text body, in a dialect the backend runs, declares more loop iterations
     * ({@link CustomOpcode#LOOP_ITERATIONS_MARK}) than the device runs per invocation. Reads bodies only on
     * a device with such a limit.
     */
    private void checkLoops(CustomOpcode op) {
        if (!capabilities.limitsLoops()) {
            return;
        }
        for (String dialect : op.dialects()) {
            if (!capabilities.dialects().contains(dialect) || CustomOpcode.JAVA.equals(dialect)) {
                continue;
            }
            String text = op.text(dialect);
            long declared = text == null ? -1 : CustomOpcode.declaredLoopIterations(text);
            if (declared > capabilities.maxLoopIterations()) {
                throw new UnsupportedFeatureException(name, "loop iterations per invocation", "custom opcode 0x"
                        + Integer.toHexString(op.opcode()) + "'s " + dialect + " body runs up to " + declared
                        + " loop iterations, but backend '" + name + "' (device '" + device.name() + "') stops a"
                        + " kernel invocation's loops after " + capabilities.maxLoopIterations()
                        + " and would compute wrong results",
                        "lower the opcode's loop bounds (or split its work over more slots) to at most "
                        + capabilities.maxLoopIterations() + " iterations, or pick another backend");
            }
        }
    }

    void forget(Session session) {
        sessions.remove(session);
    }

    private void ensureOpen() {
        if (closed) {
            throw new BackendException("backend '" + name + "' is closed", "open it again with Vyre.open");
        }
    }

    /** Closes every session opened here, then the backend; idempotent. */
    @Override
    public void close() {
        closed = true;
        RuntimeException failure = null;
        for (Session session : new ArrayList<>(sessions)) {
            try {
                session.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            backend.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
