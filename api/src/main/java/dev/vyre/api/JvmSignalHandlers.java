package dev.vyre.api;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the JVM's own signal handlers installed across a call into a backend provider.
 *
 * <p>HotSpot handles {@code SIGSEGV}, {@code SIGBUS}, {@code SIGFPE}, {@code SIGILL} and {@code SIGTRAP} in normal
 * operation (implicit null checks, safepoint polls, stack banging), and {@code SIGQUIT}, {@code SIGUSR2},
 * {@code SIGHUP}, {@code SIGINT}, {@code SIGTERM}, {@code SIGPIPE}, {@code SIGXFSZ} for thread dumps, thread
 * suspension and shutdown hooks. A driver that a provider loads may replace them: LLVM's crash handlers
 * ({@code libLLVM}, loaded by Mesa's and pocl's OpenCL and Vulkan drivers) install themselves on all of these
 * with {@code SA_RESETHAND}, and the JVM's next implicit null check then kills the process with a core dump
 * and no {@code hs_err} file. {@link #guard} snapshots the handlers of those signals before the call and puts
 * back every one that the call changed. Under {@code libjsig} (signal chaining) the kernel's handlers never
 * change and nothing is restored. The runtime guards the rare calls where drivers load and initialise:
 * {@code probe()}, {@code devices()}, {@code open()} and {@code openSession}; LLVM registers its handlers once per
 * process, so a later compile in a one-pass dispatch does not install them again. A guarded call costs about
 * 25 µs (24 {@code sigaction} calls), and guarded calls run one at a time in a JVM (a lock, reentrant), so that
 * one call's snapshot never holds what another call's driver installed.
 *
 * <p>Linux only (the {@code sigaction} of the C library, found by name in {@code libc.so.6} so that an
 * interposed {@code sigaction} is bypassed); elsewhere {@link #guard} just runs the call.
 */
final class JvmSignalHandlers {

    /** The signals HotSpot installs handlers for on Linux (same numbers on x86-64 and AArch64). */
    static final int[] SIGNALS = {1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 15, 25};
    private static final String[] NAMES = {"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "", "SIGBUS",
            "SIGFPE", "", "", "SIGSEGV", "SIGUSR2", "SIGPIPE", "", "SIGTERM", "", "", "", "", "", "", "", "", "",
            "SIGXFSZ"};
    /** Bytes reserved for one {@code struct sigaction} (152 on x86-64 and AArch64 glibc). */
    static final long SIGACTION_BYTES = 256;
    private static final System.Logger LOG = System.getLogger(JvmSignalHandlers.class.getName());
    private static final MethodHandle SIGACTION;
    private static final MethodHandle DLADDR;
    private static final ReentrantLock GUARD = new ReentrantLock();

    static {
        MethodHandle sigaction = null;
        MethodHandle dladdr = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = SymbolLookup.libraryLookup("libc.so.6", Arena.global());
                sigaction = libc.find("sigaction").map(s -> linker.downcallHandle(s, FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)))
                        .orElse(null);
                dladdr = libc.find("dladdr").or(() -> linker.defaultLookup().find("dladdr"))
                        .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS, ValueLayout.ADDRESS))).orElse(null);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.DEBUG, "signal handlers are not guarded here: " + e);
            }
        }
        SIGACTION = sigaction;
        DLADDR = dladdr;
    }

    private JvmSignalHandlers() {
    }

    /** @return whether {@link #guard} can snapshot and restore handlers on this platform */
    static boolean available() {
        return SIGACTION != null;
    }

    /**
     * Runs {@code call}; afterwards every handler in {@link #SIGNALS} that the call replaced is set back to
     * what it was, and the replacement is logged (DEBUG) with the library it came from.
     *
     * @param what the call, for the log ("opening backend 'opencl'")
     */
    static <T> T guard(String what, Supplier<T> call) {
        if (SIGACTION == null) {
            return call.get();
        }
        // one guarded call at a time: a call's snapshot must never hold another call's replacement, which its
        // restore would then put back
        GUARD.lock();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment saved = arena.allocate(SIGACTION_BYTES * SIGNALS.length, 16);
            for (int i = 0; i < SIGNALS.length; i++) {
                query(SIGNALS[i], saved.asSlice(i * SIGACTION_BYTES, SIGACTION_BYTES));
            }
            try {
                return call.get();
            } finally {
                List<String> restored = restore(saved, arena);
                if (!restored.isEmpty()) {
                    LOG.log(System.Logger.Level.DEBUG, () -> what + " replaced the JVM's signal handlers; restored "
                            + String.join(", ", restored));
                }
            }
        } finally {
            GUARD.unlock();
        }
    }

    /** @return the handler address (or SIG_DFL 0 / SIG_IGN 1) now installed for {@code signal} */
    static long handler(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(SIGACTION_BYTES, 16);
            query(signal, now);
            return now.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Installs the {@code struct sigaction} in {@code action} for {@code signal} (tests use it). */
    static void install(int signal, MemorySegment action) {
        call(signal, action, MemorySegment.NULL);
    }

    private static List<String> restore(MemorySegment saved, Arena arena) {
        List<String> restored = new ArrayList<>(0);
        MemorySegment now = arena.allocate(SIGACTION_BYTES, 16);
        for (int i = 0; i < SIGNALS.length; i++) {
            MemorySegment before = saved.asSlice(i * SIGACTION_BYTES, SIGACTION_BYTES);
            query(SIGNALS[i], now);
            long was = before.get(ValueLayout.JAVA_LONG, 0);
            long is = now.get(ValueLayout.JAVA_LONG, 0);
            if (was != is) {
                install(SIGNALS[i], before);
                restored.add(NAMES[SIGNALS[i]] + " (set by " + library(is, arena) + ")");
            }
        }
        return restored;
    }

    private static void query(int signal, MemorySegment into) {
        call(signal, MemorySegment.NULL, into);
    }

    private static void call(int signal, MemorySegment action, MemorySegment old) {
        int rc;
        try {
            rc = (int) SIGACTION.invokeExact(signal, action, old);
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + signal + ") failed: " + t
                    + ". Fix: report this with the JDK version and the platform", t);
        }
        if (rc != 0) {
            throw new IllegalStateException("sigaction(" + signal + ") returned " + rc
                    + ". Fix: report this with the JDK version and the platform");
        }
    }

    /** @return the shared object holding {@code address}, or its hex value when that is unknown */
    private static String library(long address, Arena arena) {
        String hex = "0x" + Long.toHexString(address);
        if (DLADDR == null || address == 0 || address == 1) {
            return hex;
        }
        MemorySegment info = arena.allocate(4 * ValueLayout.ADDRESS.byteSize(), 8);
        try {
            int found = (int) DLADDR.invokeExact(MemorySegment.ofAddress(address), info);
            MemorySegment name = info.get(ValueLayout.ADDRESS, 0);
            if (found == 0 || name.equals(MemorySegment.NULL)) {
                return hex;
            }
            return name.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return hex;
        }
    }
}
