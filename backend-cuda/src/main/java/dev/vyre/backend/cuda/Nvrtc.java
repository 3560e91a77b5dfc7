package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NVRTC (the CUDA run-time compiler) bound with the FFM API, found by name: {@code libnvrtc.so.13},
 * then {@code .12}, then {@code libnvrtc.so}, on the loader path and under the usual CUDA install
 * directories. Used only for custom opcodes; the built-in kernel ships as PTX. Loaded once per process.
 */
final class Nvrtc {

    private static final String[] NAMES = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"};
    private static final Object LOCK = new Object();
    private static Nvrtc shared;
    private static BackendException failure;
    /** Compilations run in this process (compile-cache hits run none). */
    private static final AtomicLong COMPILATIONS = new AtomicLong();

    /** The compile entry points' addresses; their downcall handles are made at the first compile. */
    private final MemorySegment createProgramAt;
    private final MemorySegment compileProgramAt;
    private final MemorySegment getPtxSizeAt;
    private final MemorySegment getPtxAt;
    private final MemorySegment getLogSizeAt;
    private final MemorySegment getLogAt;
    private final MemorySegment destroyProgramAt;
    /** nvrtcGetCUBINSize / nvrtcGetCUBIN (NVRTC 11.1 and newer), null when absent. */
    private final MemorySegment getCubinSizeAt;
    private final MemorySegment getCubinAt;
    private final String library;
    private final String version;
    /** The compile calls, made once at the first {@link #compile}: a warm start that finds its kernel in the
     * compile cache needs only {@link #version()}, so it pays for one downcall handle, not ten. */
    private volatile Calls calls;

    /** NVRTC's compile entry points as downcall handles. */
    private record Calls(MethodHandle createProgram, MethodHandle compileProgram, MethodHandle getPtxSize,
                         MethodHandle getPtx, MethodHandle getLogSize, MethodHandle getLog,
                         MethodHandle destroyProgram, MethodHandle getCubinSize, MethodHandle getCubin) {
    }

    private Nvrtc(SymbolLookup lookup, String library) {
        Linker linker = Linker.nativeLinker();
        ValueLayout ptr = ValueLayout.ADDRESS;
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
        this.library = library;
        this.createProgramAt = find(lookup, "nvrtcCreateProgram");
        this.compileProgramAt = find(lookup, "nvrtcCompileProgram");
        this.getPtxSizeAt = find(lookup, "nvrtcGetPTXSize");
        this.getPtxAt = find(lookup, "nvrtcGetPTX");
        this.getLogSizeAt = find(lookup, "nvrtcGetProgramLogSize");
        this.getLogAt = find(lookup, "nvrtcGetProgramLog");
        this.destroyProgramAt = find(lookup, "nvrtcDestroyProgram");
        this.getCubinSizeAt = lookup.find("nvrtcGetCUBINSize").orElse(null);
        this.getCubinAt = lookup.find("nvrtcGetCUBIN").orElse(null);
        MethodHandle versionCall = linker.downcallHandle(find(lookup, "nvrtcVersion"), FunctionDescriptor.of(i32, ptr, ptr));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
            check((int) versionCall.invokeExact(major, minor), "nvrtcVersion");
            this.version = major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        } catch (BackendException e) {
            throw e;
        } catch (Throwable t) {
            throw new BackendException("calling nvrtcVersion failed: " + t, "check the NVRTC installation", t);
        }
    }

    /**
     * @return the process's NVRTC, loaded at the first call
     * @throws BackendException listing where it looked when no NVRTC library can be opened (the same
     *         error on every call)
     */
    static Nvrtc shared() {
        synchronized (LOCK) {
            if (shared == null && failure == null) {
                try {
                    shared = load();
                } catch (BackendException e) {
                    failure = e;
                }
            }
            if (shared == null) {
                throw failure;
            }
            return shared;
        }
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new BackendException("NVRTC library lacks " + name,
                "install the CUDA toolkit's NVRTC (libnvrtc.so.13 or .12)"));
    }

    /**
     * Loads NVRTC.
     *
     * @throws BackendException listing where it looked when no NVRTC library can be opened
     */
    private static Nvrtc load() {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates()) {
            tried.add(candidate);
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(candidate, Arena.global());
                return new Nvrtc(lookup, candidate);
            } catch (IllegalArgumentException | IllegalCallerException notHere) {
                // try the next candidate
            }
        }
        throw new BackendException("custom CUDA opcodes need NVRTC, which was not found (tried " + tried + ")",
                "install the CUDA toolkit (libnvrtc.so.13 or .12) and add its lib64 directory to LD_LIBRARY_PATH,"
                        + " or register the opcode without a CUDA body and use another backend");
    }

    private static List<String> candidates() {
        List<String> out = new ArrayList<>(List.of(NAMES));
        List<Path> dirs = new ArrayList<>();
        String cudaHome = System.getenv("CUDA_HOME");
        if (cudaHome != null) {
            dirs.add(Path.of(cudaHome, "lib64"));
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        dirs.add(Path.of("/usr/local/cuda-13.0/lib64"));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        for (Path dir : dirs) {
            for (String name : NAMES) {
                Path file = dir.resolve(name);
                if (Files.exists(file)) {
                    out.add(file.toString());
                }
            }
        }
        return out;
    }

    /** @return the library that was opened */
    String library() {
        return library;
    }

    /** @return NVRTC's version, e.g. {@code 12.8} */
    String version() {
        return version;
    }

    /** @return true when this NVRTC returns CUBIN for a real architecture ({@code sm_XX}) */
    boolean emitsCubin() {
        return getCubinAt != null && getCubinSizeAt != null;
    }

    /** @return the compile calls, made at the first use */
    private Calls calls() {
        Calls c = calls;
        if (c == null) {
            synchronized (this) {
                c = calls;
                if (c == null) {
                    Linker linker = Linker.nativeLinker();
                    ValueLayout ptr = ValueLayout.ADDRESS;
                    ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
                    FunctionDescriptor sizeCall = FunctionDescriptor.of(i32, ptr, ptr);
                    c = new Calls(linker.downcallHandle(createProgramAt, FunctionDescriptor.of(i32, ptr, ptr, ptr, i32,
                            ptr, ptr)),
                            linker.downcallHandle(compileProgramAt, FunctionDescriptor.of(i32, ptr, i32, ptr)),
                            linker.downcallHandle(getPtxSizeAt, sizeCall), linker.downcallHandle(getPtxAt, sizeCall),
                            linker.downcallHandle(getLogSizeAt, sizeCall), linker.downcallHandle(getLogAt, sizeCall),
                            linker.downcallHandle(destroyProgramAt, FunctionDescriptor.of(i32, ptr)),
                            getCubinSizeAt == null ? null : linker.downcallHandle(getCubinSizeAt, sizeCall),
                            getCubinAt == null ? null : linker.downcallHandle(getCubinAt, sizeCall));
                    calls = c;
                }
            }
        }
        return c;
    }

    /** @return compilations run in this process */
    static long compilations() {
        return COMPILATIONS.get();
    }

    /**
     * Compiles CUDA C source to PTX (for a virtual architecture, {@code compute_XX}) or CUBIN (for a
     * real one, {@code sm_XX}).
     *
     * @param source  the translation unit
     * @param name    a file name for diagnostics
     * @param options NVRTC options, e.g. {@code --gpu-architecture=sm_90}
     * @param cubin   true for the CUBIN (needs {@link #emitsCubin()} and an {@code sm_XX} architecture),
     *                false for the PTX text
     * @return the CUBIN image, or the PTX text as ASCII bytes (no terminating NUL)
     * @throws BackendException with the compiler log when compilation fails
     */
    byte[] compile(String source, String name, List<String> options, boolean cubin) {
        COMPILATIONS.incrementAndGet();
        Calls c = calls();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment programOut = arena.allocate(ValueLayout.ADDRESS);
            check((int) c.createProgram().invokeExact(programOut, arena.allocateFrom(source), arena.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment program = programOut.get(ValueLayout.ADDRESS, 0);
            try {
                MemorySegment optionArray = arena.allocate(ValueLayout.ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    optionArray.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(options.get(i)));
                }
                int compiled = (int) c.compileProgram().invokeExact(program, options.size(), optionArray);
                if (compiled != 0) {
                    throw new BackendException("NVRTC rejected the custom opcode source (error " + compiled + "): "
                            + log(c, arena, program), "fix the CUDA body of the custom opcode named in the log");
                }
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                if (cubin) {
                    check((int) c.getCubinSize().invokeExact(program, size), "nvrtcGetCUBINSize");
                    MemorySegment image = arena.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
                    check((int) c.getCubin().invokeExact(program, image), "nvrtcGetCUBIN");
                    return image.asSlice(0, size.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
                }
                check((int) c.getPtxSize().invokeExact(program, size), "nvrtcGetPTXSize");
                MemorySegment ptx = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
                check((int) c.getPtx().invokeExact(program, ptx), "nvrtcGetPTX");
                return ptx.getString(0, StandardCharsets.US_ASCII).getBytes(StandardCharsets.US_ASCII);
            } finally {
                MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
                holder.set(ValueLayout.ADDRESS, 0, program);
                int ignored = (int) c.destroyProgram().invokeExact(holder);
            }
        } catch (BackendException e) {
            throw e;
        } catch (Throwable t) {
            throw new BackendException("calling NVRTC failed: " + t, "check the NVRTC installation", t);
        }
    }

    private static String log(Calls c, Arena arena, MemorySegment program) throws Throwable {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        if ((int) c.getLogSize().invokeExact(program, size) != 0) {
            return "(no log)";
        }
        MemorySegment text = arena.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
        if ((int) c.getLog().invokeExact(program, text) != 0) {
            return "(no log)";
        }
        return text.getString(0, StandardCharsets.US_ASCII).strip();
    }

    private static void check(int result, String call) {
        if (result != 0) {
            throw new BackendException(call + " failed with NVRTC error " + result,
                    "check the NVRTC installation and the custom opcode source");
        }
    }
}
