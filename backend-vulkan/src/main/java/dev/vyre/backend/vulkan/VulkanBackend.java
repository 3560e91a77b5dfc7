package dev.vyre.backend.vulkan;

import dev.vyre.protocol.TenantIsolation;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.spi.Backend;
import dev.vyre.spi.Capabilities;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.Placement;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import dev.vyre.spi.cache.CacheKey;
import dev.vyre.spi.cache.CompileCache;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;
import org.lwjgl.vulkan.VkBufferCopy;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkMemoryBarrier;
import org.lwjgl.vulkan.VkPipelineCacheCreateInfo;

/**
 * The Vulkan backend on one device: one-pass dispatches (copy in, one dispatch of one invocation per
 * slot, copy out) and, where the device supports it, persistent sessions ({@link VulkanSession}).
 * Requests arrive validated by the runtime against {@link #capabilities()}.
 */
public final class VulkanBackend implements Backend {

    /** Invocations per workgroup of the one-pass shader. */
    static final int ONCE_LOCAL_SIZE = 64;
    /** Invocations per workgroup of the persistent shader. */
    static final int PERSISTENT_LOCAL_SIZE = 32;
    /** Bound on one one-pass dispatch (LOAD_MISS waits are bounded far below it). */
    private static final long DISPATCH_TIMEOUT_NANOS = Duration.ofSeconds(120).toNanos();
    /** System property: run persistent sessions on CPU devices (lavapipe) too. */
    static final String PERSISTENT_ON_CPU_PROPERTY = "vyre.vulkan.persistentOnCpu";
    /**
     * System property: run persistent sessions in host memory on a discrete GPU (no BAR-mapped VRAM), where
     * the shader's polling loop does not see the host's writes on NVIDIA; for experiments only.
     */
    static final String HOST_MEMORY_PERSISTENT_PROPERTY = "vyre.vulkan.persistentInHostMemory";
    /**
     * Why GPU-assisted validation rules out persistent sessions: the layer waits inside
     * {@code vkQueueSubmit} for every submission to finish (to read its instrumentation buffer back), so the
     * submit of a shader that runs until the host stops it never returns.
     */
    static final String GPU_ASSISTED_NO_PERSISTENT = "GPU-assisted validation (VK_LAYER_KHRONOS_validation) waits inside"
            + " vkQueueSubmit until each submission finishes, so a persistent shader, which runs until the host stops"
            + " it, would never get its first slot";
    /** Largest ring the protocol allows (the runtime's session cap). */
    static final int PROTOCOL_MAX_SLOTS = 1 << 20;
    /** Custom-opcode body dialects the shader compiler takes. */
    private static final Set<String> DIALECTS = Set.of(ShaderCompiler.DIALECT);

    private final VulkanDevice device;
    /** Where SPIR-V and the pipeline-cache blob are kept between runs. */
    private final CompileCache cache;
    /** The key of this device's {@code VkPipelineCache} blob in {@link #cache}. */
    private final CacheKey pipelineCacheKey;
    /** The blob the pipeline cache started from (null when none), so an unchanged one is not written back. */
    private byte[] pipelineCacheLoaded;
    private final long pipelineCache;
    private final Map<String, Kernel> builtIn = new HashMap<>();
    /**
     * Kernels with custom opcodes by SPIR-V fingerprint, least recently used first: registering the same
     * opcodes again reuses the pipeline (no SPIR-V lookup, no pipeline creation). Each counts its users
     * ({@link Kernel#users}); at most {@link #IDLE_CUSTOM_KERNELS} unused ones are kept.
     */
    private final LinkedHashMap<String, Kernel> customKernels = new LinkedHashMap<>(16, 0.75f, true);
    /** Custom-opcode kernels kept while no session or dispatch uses them. */
    static final int IDLE_CUSTOM_KERNELS = 8;
    private final List<VulkanSession> sessions = new CopyOnWriteArrayList<>();
    /** Closed sessions whose dispatch did not stop: their resources are freed once it ends. */
    private final Map<VulkanSession, Boolean> abandoned = new LinkedHashMap<>(); // session -> it had opened
    private final BitSet queuesInUse = new BitSet();
    private final Object dispatchLock = new Object();
    private final Submitter onceSubmitter;
    private final boolean persistent;
    /** Why persistent sessions are off (when they are). */
    private final String noPersistentReason;
    /** Evidence of a failed start handshake ({@link VulkanSession}): later sessions are refused with it. */
    private volatile String persistentRefusal;
    /** Evidence that a second persistent shader did not start beside a running one: later second sessions are refused. */
    private volatile String concurrentRefusal;
    private final int persistentLanes;
    /** Device clock ticks per nanosecond, 0 when the LOAD_MISS bound counts iterations instead. */
    private final double ticksPerNano;
    private final boolean clock;
    private OnePassBuffers onePass;
    private long[] onceSet;
    private volatile boolean closed;

    VulkanBackend(VulkanDevice device) {
        this(device, sharedCache(device));
    }

    /** @return the shared compile cache; a malformed cache setting closes {@code device} before it is thrown */
    private static CompileCache sharedCache(VulkanDevice device) {
        try {
            return CompileCache.shared();
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** @param cache where compiled SPIR-V and the pipeline-cache blob are kept (tests pass their own) */
    VulkanBackend(VulkanDevice device, CompileCache cache) {
        this.device = device;
        this.cache = cache;
        try {
            this.pipelineCacheKey = new CacheKey(CacheKey.sha256("VkPipelineCache data"), ShaderCompiler.BACKEND,
                    device.cacheIdentity(), "Vulkan driver " + device.driverVersionText());
            this.pipelineCache = createPipelineCache();
            this.onceSubmitter = new Submitter(device, device.queues().getFirst());
            queuesInUse.set(0);
            boolean cpu = device.isCpu();
            boolean noBar = !cpu && !device.unifiedMemory() && !device.hasDeviceLocalHostVisible();
            boolean gpuAssisted = device.validationFeatures().contains(ValidationFeature.GPU_ASSISTED);
            this.persistent = !gpuAssisted && (!cpu || Boolean.getBoolean(PERSISTENT_ON_CPU_PROPERTY))
                    && (!noBar || Boolean.getBoolean(HOST_MEMORY_PERSISTENT_PROPERTY));
            this.noPersistentReason = gpuAssisted
                    ? GPU_ASSISTED_NO_PERSISTENT
                    : cpu
                    ? "lavapipe cuts a long-running shader loop short (the interpreter ends early and a LOAD_MISS lane"
                            + " that times out never finishes its slot; see docs/PERFORMANCE.md, Vulkan)"
                    : "the device offers no DEVICE_LOCAL | HOST_VISIBLE memory (BAR-mapped VRAM), and a persistent"
                            + " shader polling host memory never sees the host's writes on discrete GPUs; memory: "
                            + device.memorySummary();
            int groups = device.smCount() > 0 ? device.smCount() : (cpu ? 1 : 64);
            this.persistentLanes = groups * PERSISTENT_LOCAL_SIZE;
            // lavapipe's realtime clock does not advance at a steady rate inside a running invocation:
            // CPU devices bound LOAD_MISS waits by iterations only.
            double ticks = device.deviceClock() && !cpu ? calibrateClock() : 0;
            this.clock = ticks > 0;
            this.ticksPerNano = ticks;
        } catch (RuntimeException | Error e) {
            closeQuietly();
            throw e;
        }
    }

    // ------------------------------------------------------------------ Backend

    @Override
    public DeviceInfo device() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vulkanApi", device.apiVersionText());
        details.put("memoryModel", Boolean.toString(device.memoryModel()));
        details.put("deviceClock", Boolean.toString(clock));
        details.put("persistentPlacement", device.hasDeviceLocalHostVisible() && !device.unifiedMemory()
                ? "DEVICE_LOCAL|HOST_VISIBLE|HOST_COHERENT" : "HOST_VISIBLE|HOST_COHERENT");
        details.put("persistentLanes", Integer.toString(persistentLanes));
        details.put("memory", device.memorySummary());
        details.put("queues", Integer.toString(device.queues().size()));
        details.put("binding", "LWJGL 3.4.3");
        if (device.validationEnabled()) {
            details.put("validation", VulkanDevice.VALIDATION_LAYER + " " + device.validationLayerVersion());
            Set<String> active = validationFeatures();
            details.put("validationFeatures", active.isEmpty() ? "none" : String.join(",", active));
            Map<String, String> refused = validationRefusals();
            if (!refused.isEmpty()) {
                details.put("validationFeaturesRefused", refused.toString());
            }
        }
        return new DeviceInfo(device.name(), "Vulkan driver " + device.driverVersionText(), details);
    }

    @Override
    public Capabilities capabilities() {
        long maxSlots = Math.min(PROTOCOL_MAX_SLOTS, device.maxStorageBufferRange() / 64);
        Set<Placement> placements = device.unifiedMemory() ? Set.of(Placement.HOST_MAPPED)
                : device.hasDeviceLocalHostVisible()
                        ? Set.of(Placement.DEVICE, Placement.DEVICE_MAPPED)
                        : Set.of(Placement.DEVICE, Placement.HOST_MAPPED);
        return new Capabilities((int) maxSlots, persistentLanes, placements, true, maxDataBytes(), persistent,
                DIALECTS, LoopLimit.of(device.name()), true);
    }

    long maxDataBytes() {
        return Math.min(device.maxStorageBufferRange(), 0xFFFF_FFFCL) & ~3L;
    }

    /**
     * Starts the persistent shader on a compute queue of its own (queue 0 runs one-pass dispatches; a
     * one-queue device shares it with a single session). Slot count and data buffer size arrive checked
     * against {@link #capabilities()}.
     */
    @Override
    public SessionDriver openSession(SessionSpec spec) {
        checkOpen();
        if (!persistent) {
            if (noPersistentReason.equals(GPU_ASSISTED_NO_PERSISTENT)) {
                throw new BackendException("persistent sessions are off on " + device.name() + ": " + noPersistentReason,
                        "use Vyre.dispatch (one pass) under GPU-assisted validation, or validate persistent sessions"
                                + " with -D" + ValidationFeature.PROPERTY + "=synchronization");
            }
            throw new BackendException("persistent sessions are off on " + device.name() + ": " + noPersistentReason,
                    "use Vyre.dispatch (one pass) here, or another device; -D" + (device.isCpu()
                            ? PERSISTENT_ON_CPU_PROPERTY : HOST_MEMORY_PERSISTENT_PROPERTY)
                            + "=true forces it for experiments");
        }
        String refusal = persistentRefusal;
        if (refusal != null) {
            throw new UnsupportedFeatureException(ShaderCompiler.BACKEND, "persistent sessions", refusal,
                    "use Vyre.dispatch (one pass) or the CUDA backend on this machine, and report the evidence"
                            + " with the driver version");
        }
        int queue = acquireQueue();
        try {
            VulkanSession session = VulkanSession.open(this, spec, queue);
            sessions.add(session);
            return session;
        } catch (RuntimeException | Error e) {
            releaseQueue(queue);
            throw e;
        }
    }

    private int acquireQueue() {
        synchronized (queuesInUse) {
            String concurrent = concurrentRefusal;
            if (concurrent != null && !sessions.isEmpty()) {
                throw new UnsupportedFeatureException(ShaderCompiler.BACKEND, "more than one persistent session at"
                        + " once", concurrent, "close the running session before opening another, or open the second"
                        + " on another device or the CUDA backend");
            }
            int n = device.queues().size();
            // queue 0 runs one-pass dispatches; a one-queue device shares it with a single session
            int q = n == 1 ? (sessions.isEmpty() ? 0 : n) : queuesInUse.nextClearBit(1);
            if (q >= n) {
                throw new UnsupportedFeatureException(ShaderCompiler.BACKEND, "more concurrent persistent sessions"
                        + " than compute queues", "every compute queue of " + device.name() + " already runs a"
                        + " persistent session (" + n + " queues)", "close a session before opening another");
            }
            if (q > 0) {
                queuesInUse.set(q);
            }
            return q;
        }
    }

    void releaseQueue(int queue) {
        if (queue > 0) {
            synchronized (queuesInUse) {
                queuesInUse.clear(queue);
            }
        }
    }

    /** @return whether {@code session} had opened (it was registered) */
    boolean forget(VulkanSession session) {
        return sessions.remove(session);
    }

    /**
     * Takes over a closed session whose dispatch did not stop: it no longer counts as open, and its resources
     * and queue are freed by {@link #reapAbandoned} once the dispatch ends.
     */
    void abandon(VulkanSession session) {
        boolean opened = forget(session);
        synchronized (abandoned) {
            abandoned.put(session, opened);
        }
    }

    /**
     * Frees the resources of every abandoned session whose dispatch has ended, waiting up to
     * {@code timeoutNanos} for each, and releases the queue of each that had opened (a failed open releases
     * its own).
     *
     * @return whether every abandoned session was freed
     */
    boolean reapAbandoned(long timeoutNanos) {
        synchronized (abandoned) { // one reaper at a time: a session is freed once
            for (var it = abandoned.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (entry.getKey().reap(timeoutNanos)) {
                    if (entry.getValue()) {
                        releaseQueue(entry.getKey().queue());
                    }
                    it.remove();
                }
            }
            return abandoned.isEmpty();
        }
    }

    @Override
    public PassResult dispatch(PassRequest request) {
        checkOpen();
        long largest = Math.max(Math.max(request.control().length, request.ring().length), request.data().length);
        if (largest > device.maxStorageBufferRange()) {
            throw new BackendException("a " + largest + "-byte buffer exceeds the device's storage-buffer range of "
                    + device.maxStorageBufferRange() + " bytes", "split the work into smaller rings or data buffers");
        }
        synchronized (dispatchLock) {
            if (device.queues().size() == 1 && !sessions.isEmpty()) {
                throw new BackendException("the device's only compute queue runs a persistent session",
                        "close the session before a one-pass dispatch");
            }
            if (request.opcodes().isEmpty() && !request.isolated()) {
                Kernel kernel = kernel(false, CustomOpcodes.none());
                return runOnce(kernel, request, true);
            }
            Kernel kernel = kernel(false, request.opcodes(), request.isolated());
            try {
                return runOnce(kernel, request, false);
            } finally {
                release(kernel);
            }
        }
    }

    // ------------------------------------------------------------------ kernels

    /**
     * The persistent shader leaves CLAIMED out of the host-cached status mirror (the ring in device memory still
     * holds it): a non-exact {@code status} read sees PUBLISHED until DONE, and a round trip saves the mirror's
     * extra system-memory store (0.33 µs p50 on the H100). {@code -Dvyre.vulkan.mirrorClaimed=true} mirrors
     * CLAIMED too.
     */
    static final String MIRROR_CLAIMED_PROPERTY = "vyre.vulkan.mirrorClaimed";
    /**
     * The persistent shader claims a slot with the status loaded beside its other words and a relaxed store of
     * CLAIMED (one invocation owns each slot), not a compare-and-set: p50 3.97 against 4.23 µs on the H100,
     * conformance 102/0/1 with it. {@code -Dvyre.vulkan.claimByStore=false} claims by compare-and-set again.
     */
    static final String CLAIM_BY_STORE_PROPERTY = "vyre.vulkan.claimByStore";
    /** Experiment switch: {@code -Dvyre.vulkan.stopEvery=N} looks at SHUTDOWN every N sweeps (default 1). */
    static final String STOP_EVERY_PROPERTY = "vyre.vulkan.stopEvery";
    /**
     * Where the shader uses the Vulkan memory model, no buffer barrier precedes the release store of a slot's
     * result (the release orders DONE_COUNT as well). {@code -Dvyre.vulkan.doneBarrier=true} puts it back.
     */
    static final String DONE_BARRIER_PROPERTY = "vyre.vulkan.doneBarrier";
    /**
     * The persistent shader stores a slot's mirrored result first (release, after its effects and DONE_COUNT) and
     * the ring's status after it, by a compare-and-set from CLAIMED (release): the host sees the result one
     * ordered device-memory store sooner (p50 3.39–3.41 against 3.96 µs on the H100, with the barrier left out as
     * well; conformance 102/0/1). An exact status read that finds CLAIMED takes the mirror's result
     * ({@link VulkanSession#status}). {@code -Dvyre.vulkan.ringStatusLast=false} stores the ring's status first.
     */
    static final String RING_STATUS_LAST_PROPERTY = "vyre.vulkan.ringStatusLast";
    /**
     * The persistent shader loads a slot's opcode and payload with its status and tenant, before the claim, so the
     * slot runs one device-memory round trip sooner. {@code -Dvyre.vulkan.loadsFirst=false} loads them after the
     * claim.
     */
    static final String LOADS_FIRST_PROPERTY = "vyre.vulkan.loadsFirst";
    /**
     * With the ring's status stored last, one release fence orders a slot's effects and DONE_COUNT before both of
     * its result stores (the mirror's and the ring's, then relaxed), so the invocation does not wait for the
     * mirror's store before its next doorbell. {@code -Dvyre.vulkan.oneRelease=false} releases each store.
     */
    static final String ONE_RELEASE_PROPERTY = "vyre.vulkan.oneRelease";

    /** @return the defines of a shader variant */
    Map<String, String> defines(boolean persistentMode, CustomOpcodes opcodes) {
        return defines(persistentMode, opcodes, false);
    }

    /** @return the defines of a shader variant, isolated mode ({@code VYRE_ISOLATION}) included when asked */
    Map<String, String> defines(boolean persistentMode, CustomOpcodes opcodes, boolean isolated) {
        Map<String, String> d = new HashMap<>();
        if (isolated) {
            d.put("VYRE_ISOLATION", "1");
        }
        d.put("VYRE_LOCAL_SIZE", Integer.toString(persistentMode ? PERSISTENT_LOCAL_SIZE : ONCE_LOCAL_SIZE));
        if (persistentMode) {
            d.put("VYRE_PERSISTENT", "1");
            if (!Boolean.getBoolean(MIRROR_CLAIMED_PROPERTY)) {
                d.put("VYRE_NO_CLAIMED_MIRROR", "1");
            }
            if (!"false".equals(System.getProperty(CLAIM_BY_STORE_PROPERTY))) {
                d.put("VYRE_CLAIM_BY_STORE", "1");
            }
            if (!"false".equals(System.getProperty(RING_STATUS_LAST_PROPERTY))) {
                d.put("VYRE_RING_STATUS_LAST", "1");
            }
            if (!"false".equals(System.getProperty(LOADS_FIRST_PROPERTY))) {
                d.put("VYRE_LOADS_FIRST", "1");
            }
            if (!"false".equals(System.getProperty(ONE_RELEASE_PROPERTY))) {
                d.put("VYRE_ONE_RELEASE", "1");
            }
            Integer stopEvery = Integer.getInteger(STOP_EVERY_PROPERTY);
            if (stopEvery != null && stopEvery > 0) {
                d.put("VYRE_STOP_EVERY", stopEvery + "u");
            }
        }
        if (device.memoryModel() && !"false".equals(System.getProperty("vyre.vulkan.memoryModel"))) {
            d.put("VYRE_VMM", "1");
            if (!Boolean.getBoolean(DONE_BARRIER_PROPERTY)) {
                d.put("VYRE_NO_DONE_BARRIER", "1");
            }
        }
        if (device.deviceClock() && !device.isCpu() && clockOrUncalibrated()) {
            d.put("VYRE_CLOCK", "1");
        }
        if (!opcodes.isEmpty()) {
            d.put("VYRE_CUSTOM", "1");
            if (device.deviceAddress()) {
                d.put("VYRE_DEVICE_ADDRESS", "1");
            }
        }
        return d;
    }

    private boolean clockOrUncalibrated() {
        return clock || ticksPerNano == 0 && !calibrated;
    }

    private boolean calibrated;

    /**
     * @return the built-in kernel for the mode (owned by the backend) when {@code opcodes} is empty, else
     *         the kernel with the custom opcodes, reused when it exists; the caller hands it back with
     *         {@link #release(Kernel)}
     */
    Kernel kernel(boolean persistentMode, CustomOpcodes opcodes) {
        return kernel(persistentMode, opcodes, false);
    }

    /**
     * {@link #kernel(boolean, CustomOpcodes)}; an isolated-mode kernel ({@code isolated}) is never the built-in one:
     * it is reused like a custom-opcode kernel and handed back with {@link #release(Kernel)}.
     */
    Kernel kernel(boolean persistentMode, CustomOpcodes opcodes, boolean isolated) {
        if (opcodes.isEmpty() && !isolated) {
            synchronized (builtIn) {
                String key = persistentMode ? "persistent" : "once";
                Kernel k = builtIn.get(key);
                if (k == null) {
                    k = new Kernel(device, ShaderCompiler.compile(cache, device.cacheIdentity(),
                            ShaderCompiler.source(), defines(persistentMode, opcodes)), pipelineCache);
                    builtIn.put(key, k);
                }
                return k;
            }
        }
        String glsl = ShaderCompiler.withCustomOpcodes(opcodes);
        Map<String, String> defines = defines(persistentMode, opcodes, isolated);
        String fingerprint = ShaderCompiler.fingerprint(glsl, defines);
        synchronized (customKernels) {
            Kernel k = customKernels.get(fingerprint);
            if (k != null) {
                k.users++;
                return k;
            }
        }
        Kernel made = new Kernel(device, ShaderCompiler.compile(cache, device.cacheIdentity(), glsl, defines),
                pipelineCache);
        synchronized (customKernels) {
            Kernel raced = customKernels.get(fingerprint);
            if (raced != null) {
                raced.users++;
                made.close();
                return raced;
            }
            made.users = 1;
            customKernels.put(fingerprint, made);
            trimIdleKernels();
            return made;
        }
    }

    /** Hands back a kernel from {@link #kernel}; built-in kernels stay with the backend. */
    void release(Kernel kernel) {
        synchronized (customKernels) {
            if (kernel.users > 0) {
                kernel.users--;
                trimIdleKernels();
            }
        }
    }

    /** Closes unused custom kernels, least recently used first, beyond {@link #IDLE_CUSTOM_KERNELS}. */
    private void trimIdleKernels() {
        long idle = customKernels.values().stream().filter(k -> k.users == 0).count();
        var it = customKernels.values().iterator();
        while (idle > IDLE_CUSTOM_KERNELS && it.hasNext()) {
            Kernel k = it.next();
            if (k.users == 0) {
                k.close();
                it.remove();
                idle--;
            }
        }
    }

    /** @return custom-opcode kernels alive now (in use or kept idle) */
    int customKernels() {
        synchronized (customKernels) {
            return customKernels.size();
        }
    }

    /** Creates the pipeline cache from this device's blob in the compile cache, if there is one. */
    private long createPipelineCache() {
        try (MemoryStack stack = stackPush()) {
            VkPipelineCacheCreateInfo ci = VkPipelineCacheCreateInfo.calloc(stack).sType$Default();
            byte[] stored = cache.get(pipelineCacheKey).orElse(null);
            ByteBuffer initial = null;
            if (stored != null) {
                initial = MemoryUtil.memAlloc(stored.length).put(stored).flip();
                ci.pInitialData(initial);
            }
            try {
                var p = stack.mallocLong(1);
                int r = vkCreatePipelineCache(device.device(), ci, null, p);
                if (r != VK_SUCCESS && initial != null) {
                    ci.pInitialData(null); // a blob the driver does not accept: start empty
                    stored = null;
                    r = vkCreatePipelineCache(device.device(), ci, null, p);
                }
                VulkanCalls.check(r, "vkCreatePipelineCache");
                pipelineCacheLoaded = stored;
                return p.get(0);
            } finally {
                if (initial != null) {
                    MemoryUtil.memFree(initial);
                }
            }
        }
    }

    /** Stores the pipeline cache's blob in the compile cache when it changed. */
    private void savePipelineCache() {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            if (vkGetPipelineCacheData(device.device(), pipelineCache, size, null) != VK_SUCCESS || size.get(0) == 0
                    || size.get(0) > CompileCache.MAX_ARTIFACT_BYTES) {
                return;
            }
            ByteBuffer data = MemoryUtil.memAlloc((int) size.get(0));
            try {
                if (vkGetPipelineCacheData(device.device(), pipelineCache, size, data) == VK_SUCCESS) {
                    byte[] bytes = new byte[(int) size.get(0)];
                    data.get(bytes);
                    if (!Arrays.equals(bytes, pipelineCacheLoaded)) {
                        cache.put(pipelineCacheKey, bytes);
                    }
                }
            } finally {
                MemoryUtil.memFree(data);
            }
        }
    }

    /** @return the compile cache this backend uses */
    CompileCache compileCache() {
        return cache;
    }

    // ------------------------------------------------------------------ one pass

    private PassResult runOnce(Kernel kernel, PassRequest request, boolean builtInKernel) {
        byte[][] parts = {request.control(), request.ring(), request.debugLog(), request.ioQueue(), request.data()};
        long[] sizes = new long[Kernel.BINDINGS];
        for (int i = 0; i < parts.length; i++) {
            sizes[i] = Math.max(4, (parts[i].length + 3L) & ~3L);
        }
        sizes[5] = VulkanLink.bytes(VulkanLink.BYTES, request.isolated());
        sizes[6] = 4; // status mirror: only the persistent shader writes it
        OnePassBuffers b = ensureOnePass(sizes);
        long[] offsets = b.offsets;
        MemorySegment host = b.host();
        for (int i = 0; i < parts.length; i++) {
            MemorySegment.copy(MemorySegment.ofArray(parts[i]), 0, host, offsets[i], parts[i].length);
            if (parts[i].length < sizes[i]) {
                host.asSlice(offsets[i] + parts[i].length, sizes[i] - parts[i].length).fill((byte) 0);
            }
        }
        // Nobody can complete an IO request during a one-pass dispatch (the host holds no view of the
        // buffers until it ends), so every LOAD_MISS wait ends in its timeout: the shader takes the
        // request back at the first poll (iteration bound 1), which is the outcome of the bounded wait
        // without the wait. (lavapipe also stops an invocation that spins on one word.)
        VulkanLink.write(host.asSlice(offsets[5], VulkanLink.BYTES), request.control().length / 4,
                request.slotCount(), request.debugLog().length / 4, request.ioQueue().length / 32,
                request.data().length, 0, 1, 0, 0);
        if (request.isolated()) {
            VulkanLink.writeIsolation(host.asSlice(offsets[5], sizes[5]), VulkanLink.BYTES, request.isolationBlock());
        }
        long[] set = builtInKernel ? onceSet(kernel, b) : kernel.bind(b.buffers(), offsets, sizes);
        try {
            int groups = (request.slotCount() + ONCE_LOCAL_SIZE - 1) / ONCE_LOCAL_SIZE;
            submitAndWait(kernel, set[1], b, groups);
        } finally {
            if (!builtInKernel) {
                vkDestroyDescriptorPool(device.device(), set[0], null);
            }
        }
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = host.asSlice(offsets[i], parts[i].length).toArray(ValueLayout.JAVA_BYTE);
        }
        int[] violations = new int[request.isolated() ? TenantIsolation.TENANTS : 0];
        for (int t = 0; t < violations.length; t++) {
            violations[t] = VulkanLink.violations(host.asSlice(offsets[5], sizes[5]), t);
        }
        return new PassResult(out[0], out[1], out[2], out[3], out[4], violations);
    }

    private long[] onceSet(Kernel kernel, OnePassBuffers b) {
        if (onceSet == null) {
            onceSet = kernel.bind(b.buffers(), b.offsets, b.sizes);
        } else {
            kernel.update(onceSet[1], b.buffers(), b.offsets, b.sizes);
        }
        return onceSet;
    }

    private void submitAndWait(Kernel kernel, long set, OnePassBuffers b, int groups) {
        VkCommandBuffer cb = onceSubmitter.begin();
        try (MemoryStack stack = stackPush()) {
            if (b.staging != null) {
                VkBufferCopy.Buffer region = VkBufferCopy.calloc(1, stack);
                region.get(0).srcOffset(0).dstOffset(0).size(b.total);
                vkCmdCopyBuffer(cb, b.staging.buffer(), b.device.buffer(), region);
                barrier(cb, stack, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                        VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
            }
            vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline());
            vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipelineLayout(), 0,
                    stack.longs(set), null);
            vkCmdDispatch(cb, groups, 1, 1);
            if (b.staging != null) {
                barrier(cb, stack, VK_ACCESS_SHADER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT,
                        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
                VkBufferCopy.Buffer region = VkBufferCopy.calloc(1, stack);
                region.get(0).srcOffset(0).dstOffset(0).size(b.total);
                vkCmdCopyBuffer(cb, b.device.buffer(), b.staging.buffer(), region);
                barrier(cb, stack, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_HOST_READ_BIT,
                        VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT);
            } else {
                barrier(cb, stack, VK_ACCESS_SHADER_WRITE_BIT, VK_ACCESS_HOST_READ_BIT,
                        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT);
            }
        }
        onceSubmitter.submit();
        if (!onceSubmitter.await(DISPATCH_TIMEOUT_NANOS)) {
            throw new BackendException("a one-pass Vulkan dispatch did not finish within 120 s",
                    "the device is hung; close the backend (and check for a custom opcode that loops)");
        }
    }

    private static void barrier(VkCommandBuffer cb, MemoryStack stack, int srcAccess, int dstAccess, int srcStage,
                                int dstStage) {
        VkMemoryBarrier.Buffer mb = VkMemoryBarrier.calloc(1, stack);
        mb.get(0).sType$Default().srcAccessMask(srcAccess).dstAccessMask(dstAccess);
        vkCmdPipelineBarrier(cb, srcStage, dstStage, 0, mb, null, null);
    }

    private OnePassBuffers ensureOnePass(long[] sizes) {
        long align = device.storageAlignment();
        long[] offsets = new long[sizes.length];
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            offsets[i] = at;
            at += (sizes[i] + align - 1) / align * align;
        }
        if (onePass == null || onePass.capacity < at) {
            if (onePass != null) {
                onePass.close();
                onePass = null;
                if (onceSet != null) {
                    vkDestroyDescriptorPool(device.device(), onceSet[0], null);
                    onceSet = null;
                }
            }
            onePass = new OnePassBuffers(device, Math.max(at, 1 << 20));
        }
        onePass.offsets = offsets;
        onePass.sizes = sizes;
        onePass.total = at;
        return onePass;
    }

    /** One-pass memory: one mapped buffer on unified-memory devices, else device memory plus a staging copy. */
    private static final class OnePassBuffers implements AutoCloseable {
        final long capacity;
        final DeviceBlock device;
        final DeviceBlock staging;
        long[] offsets;
        long[] sizes;
        long total;

        OnePassBuffers(VulkanDevice vk, long capacity) {
            this.capacity = capacity;
            int coherent = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
            if (vk.unifiedMemory()) {
                device = new DeviceBlock(vk, capacity, coherent, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
                staging = null;
            } else {
                device = new DeviceBlock(vk, capacity, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
                DeviceBlock s;
                try {
                    s = new DeviceBlock(vk, capacity, coherent, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
                } catch (RuntimeException e) {
                    device.close();
                    throw e;
                }
                staging = s;
            }
        }

        MemorySegment host() {
            return staging != null ? staging.mapped() : device.mapped();
        }

        long[] buffers() {
            long[] b = new long[Kernel.BINDINGS];
            java.util.Arrays.fill(b, device.buffer());
            return b;
        }

        @Override
        public void close() {
            device.close();
            if (staging != null) {
                staging.close();
            }
        }
    }

    // ------------------------------------------------------------------ IO wait bound

    /** @return the LOAD_MISS bound in device clock ticks (0 when the shader counts iterations) */
    long timeoutTicks(long nanos) {
        return clock ? (long) Math.ceil(nanos * ticksPerNano) : 0;
    }

    /**
     * @return the LOAD_MISS iteration cap: about 20 ns per poll without a device clock; with one, one
     *         iteration per nanosecond (a safety net only: the clock ends the wait)
     */
    long timeoutIterations(long nanos) {
        return Math.max(1, clock ? nanos : nanos / 20);
    }

    /**
     * Measures the device clock against System.nanoTime with two probe dispatches 5 ms apart.
     *
     * @return ticks per nanosecond, or 0 when the clock is unusable (the shader then counts iterations)
     */
    private double calibrateClock() {
        try {
            synchronized (dispatchLock) {
                Kernel kernel = kernel(false, CustomOpcodes.none());
                long[] first = probeClock(kernel);
                LockSupport.parkNanos(5_000_000L);
                long[] second = probeClock(kernel);
                double ticks = (double) (second[0] - first[0]) / (second[1] - first[1]);
                calibrated = true;
                if (!(ticks > 1e-4 && ticks < 1e4)) {
                    dropBuiltIns();
                    return 0;
                }
                return ticks;
            }
        } catch (BackendException e) {
            calibrated = true;
            dropBuiltIns();
            return 0;
        }
    }

    private void dropBuiltIns() {
        synchronized (builtIn) {
            builtIn.values().forEach(Kernel::close);
            builtIn.clear();
            if (onceSet != null) {
                vkDestroyDescriptorPool(device.device(), onceSet[0], null);
                onceSet = null;
            }
        }
    }

    /** @return {@code [device ticks, host nanos]} sampled by one probe dispatch */
    private long[] probeClock(Kernel kernel) {
        long[] sizes = {640, 64, DebugLogLayout.BUFFER_BYTES, 32, 4, VulkanLink.BYTES, 4};
        OnePassBuffers b = ensureOnePass(sizes);
        MemorySegment host = b.host();
        host.asSlice(0, b.total).fill((byte) 0);
        MemorySegment link = host.asSlice(b.offsets[5], VulkanLink.BYTES);
        VulkanLink.write(link, 160, 1, DebugLogLayout.BUFFER_WORDS, 1, 0, 0, 1, 0, VulkanLink.MODE_CLOCK_PROBE);
        long before = System.nanoTime();
        submitAndWait(kernel, onceSet(kernel, b)[1], b, 1);
        long after = System.nanoTime();
        long ticks = Integer.toUnsignedLong(link.get(ValueLayout.JAVA_INT_UNALIGNED, VulkanLink.CLOCK_LO * 4L))
                | Integer.toUnsignedLong(link.get(ValueLayout.JAVA_INT_UNALIGNED, VulkanLink.CLOCK_HI * 4L)) << 32;
        return new long[] {ticks, (before + after) / 2};
    }

    // ------------------------------------------------------------------ accessors for sessions and tests

    VulkanDevice vulkanDevice() {
        return device;
    }

    /** Records why persistent sessions cannot work on this device; every later {@link #openSession} refuses. */
    void refusePersistent(String evidence) {
        persistentRefusal = evidence;
    }

    /**
     * Records that a persistent shader did not start while another session's ran: from now on a session is
     * refused while another is open ({@link #openSession}), and one at a time still works.
     */
    void refuseConcurrent(String evidence) {
        concurrentRefusal = evidence;
    }

    /** @return whether a session other than {@code self} is open on this backend */
    boolean othersOpen(VulkanSession self) {
        for (VulkanSession s : sessions) {
            if (s != self) {
                return true;
            }
        }
        return false;
    }

    int persistentLanes() {
        return persistentLanes;
    }

    boolean usesDeviceClock() {
        return clock;
    }

    /** @return device memory allocations currently held (one-pass buffers and sessions) */
    public int liveAllocations() {
        return device.liveAllocations();
    }

    /** @return errors reported by VK_LAYER_KHRONOS_validation (empty when validation is off) */
    public List<String> validationErrors() {
        return device.validationMessages();
    }

    /** @return true when this backend runs with VK_LAYER_KHRONOS_validation */
    public boolean validationEnabled() {
        return device.validationEnabled();
    }

    /**
     * @return the validation features running ({@code gpu-assisted}, {@code synchronization}), in that
     *         order: those selected by {@code -Dvyre.vulkan.validationFeatures} (default: both) that the layer
     *         accepted; empty without validation
     */
    public Set<String> validationFeatures() {
        Set<String> out = new LinkedHashSet<>();
        for (ValidationFeature f : device.validationFeatures()) {
            out.add(f.key());
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * @return the selected validation features that are not running, by key, each with the reason (the
     *         layer's own message when it declined one, e.g. GPU-assisted validation on a device lacking
     *         the features it needs)
     */
    public Map<String, String> validationRefusals() {
        Map<String, String> out = new TreeMap<>();
        device.validationRefusals().forEach((f, why) -> out.put(f.key(), why));
        return Collections.unmodifiableMap(out);
    }

    private void checkOpen() {
        if (closed) {
            throw new BackendException("the Vulkan backend is closed", "open it again with Vyre.open(\"vulkan\")");
        }
    }

    /**
     * Stops and closes any session the runtime left open (it closes them first), waits for the dispatches of
     * abandoned sessions (closed while stuck) to end and frees them, then frees every device resource, unless
     * a shader still has not stopped: then the device stays as it is, so the running dispatch never touches
     * freed memory.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (VulkanSession session : sessions) {
            if (session.isClosed()) {
                continue;
            }
            try {
                session.writeControl(ControlLayout.SHUTDOWN, 1);
                session.stop(VulkanSession.STOP_TIMEOUT);
                session.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        boolean freed;
        try {
            freed = reapAbandoned(VulkanSession.STOP_TIMEOUT.toNanos());
        } catch (RuntimeException e) {
            freed = false;
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (freed) {
            synchronized (dispatchLock) {
                closeQuietly();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void closeQuietly() {
        if (device == null) {
            return;
        }
        vkDeviceWaitIdle(device.device());
        if (onceSet != null) {
            vkDestroyDescriptorPool(device.device(), onceSet[0], null);
            onceSet = null;
        }
        if (onePass != null) {
            onePass.close();
            onePass = null;
        }
        synchronized (builtIn) {
            builtIn.values().forEach(Kernel::close);
            builtIn.clear();
        }
        synchronized (customKernels) {
            customKernels.values().forEach(Kernel::close);
            customKernels.clear();
        }
        if (onceSubmitter != null) {
            onceSubmitter.close();
        }
        if (pipelineCache != VK_NULL_HANDLE) {
            savePipelineCache();
            vkDestroyPipelineCache(device.device(), pipelineCache, null);
        }
        device.close();
    }
}
