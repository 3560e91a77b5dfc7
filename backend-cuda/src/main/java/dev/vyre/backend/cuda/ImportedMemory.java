package dev.vyre.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Memory of another API imported into the current CUDA context from an opaque file descriptor
 * ({@code cuImportExternalMemory}) and mapped as one buffer ({@code cuExternalMemoryGetMappedBuffer}). JCuda does
 * not bind these calls, so they go to {@code libcuda.so.1} through the FFM API: the same library instance JCuda
 * loaded, so the context made current by JCuda is the one they use.
 *
 * <p>Contract: construct and close on a thread where the device's context is current. On success CUDA owns the
 * descriptor; on failure it is closed here. {@link #close()} frees the mapping, then the import.
 */
final class ImportedMemory implements AutoCloseable {

    /** {@code CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD}. */
    private static final int OPAQUE_FD = 1;
    /** {@code sizeof(CUDA_EXTERNAL_MEMORY_HANDLE_DESC)}: type at 0, handle.fd at 8, size at 24, flags at 32. */
    private static final long HANDLE_DESC_BYTES = 104;
    /** {@code sizeof(CUDA_EXTERNAL_MEMORY_BUFFER_DESC)}: offset at 0, size at 8, flags at 16. */
    private static final long BUFFER_DESC_BYTES = 88;

    private static final class Calls {
        static final MethodHandle IMPORT;
        static final MethodHandle MAPPED_BUFFER;
        static final MethodHandle DESTROY;
        static final MethodHandle MEM_FREE;
        static final MethodHandle MEMSET;
        static final MethodHandle COPY_TO_HOST;
        static final MethodHandle STREAM_SYNC;
        static final MethodHandle CLOSE;

        static {
            Linker linker = Linker.nativeLinker();
            SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            IMPORT = handle(linker, cuda, "cuImportExternalMemory", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            MAPPED_BUFFER = handle(linker, cuda, "cuExternalMemoryGetMappedBuffer",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
            DESTROY = handle(linker, cuda, "cuDestroyExternalMemory", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
            MEM_FREE = handle(linker, cuda, "cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
            MEMSET = handle(linker, cuda, "cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG));
            COPY_TO_HOST = handle(linker, cuda, "cuMemcpyDtoH_v2",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
            STREAM_SYNC = handle(linker, cuda, "cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            CLOSE = handle(linker, linker.defaultLookup(), "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        }

        private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor d) {
            return linker.downcallHandle(lookup.find(name).orElseThrow(() -> TailLines.unsupported(
                    "the CUDA driver library lacks " + name, "update the NVIDIA driver, or pass -D"
                            + TailLines.PROPERTY + "=host")), d);
        }
    }

    private final long handle;
    private final long devicePointer;
    private final long bytes;
    private boolean closed;

    /**
     * Imports {@code bytes} from {@code fd} (an opaque descriptor of an allocation of exactly that size) and maps
     * them from offset 0.
     *
     * @throws dev.vyre.protocol.UnsupportedFeatureException when the driver refuses
     */
    ImportedMemory(int fd, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment desc = arena.allocate(HANDLE_DESC_BYTES, 8);
            desc.set(JAVA_INT, 0, OPAQUE_FD);
            desc.set(JAVA_INT, 8, fd);
            desc.set(JAVA_LONG, 24, bytes);
            MemorySegment out = arena.allocate(JAVA_LONG);
            int r = call("cuImportExternalMemory", importCall(), out, desc);
            if (r != 0) {
                int closedFd = call("close", Calls.CLOSE, fd);
                throw TailLines.unsupported("cuImportExternalMemory of a Vulkan allocation failed (CUresult " + r
                        + (closedFd == 0 ? "" : "; closing its descriptor failed too") + ")",
                        "update the NVIDIA driver, or pass -D" + TailLines.PROPERTY + "=host");
            }
            long imported = out.get(JAVA_LONG, 0);
            try {
                MemorySegment buffer = arena.allocate(BUFFER_DESC_BYTES, 8);
                buffer.set(JAVA_LONG, 8, bytes);
                r = call("cuExternalMemoryGetMappedBuffer", Calls.MAPPED_BUFFER, out, imported, buffer);
                if (r != 0) {
                    throw TailLines.unsupported("cuExternalMemoryGetMappedBuffer failed (CUresult " + r + ")",
                            "update the NVIDIA driver, or pass -D" + TailLines.PROPERTY + "=host");
                }
                long mapped = out.get(JAVA_LONG, 0);
                this.handle = imported;
                this.devicePointer = mapped;
                this.bytes = bytes;
            } catch (RuntimeException | Error e) {
                destroy(imported);
                throw e;
            }
        }
    }

    /** @return the device address of the mapped buffer */
    long devicePointer() {
        return devicePointer;
    }

    /**
     * Copies the buffer's first {@code dst.byteSize()} bytes to {@code dst} as the device sees them (through its L2;
     * synchronous).
     *
     * @throws dev.vyre.protocol.UnsupportedFeatureException when the driver refuses
     */
    void copyToHost(MemorySegment dst) {
        int r = call("cuMemcpyDtoH", Calls.COPY_TO_HOST, dst, devicePointer, dst.byteSize());
        if (r != 0) {
            throw TailLines.unsupported("reading the imported buffer back failed (CUresult " + r + ")",
                    "check nvidia-smi, or pass -D" + TailLines.PROPERTY + "=host");
        }
    }

    /**
     * Zeroes the whole buffer by the device (through its L2), on the legacy stream, and waits for it.
     *
     * @throws dev.vyre.protocol.UnsupportedFeatureException when the driver refuses
     */
    void zero() {
        int r = call("cuMemsetD8", Calls.MEMSET, devicePointer, (byte) 0, bytes);
        if (r == 0) {
            r = call("cuStreamSynchronize", Calls.STREAM_SYNC, MemorySegment.NULL);
        }
        if (r != 0) {
            throw TailLines.unsupported("zeroing the imported buffer failed (CUresult " + r + ")",
                    "check nvidia-smi, or pass -D" + TailLines.PROPERTY + "=host");
        }
    }

    /** Frees the mapped buffer, then destroys the import; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                CudaCalls.check(call("cuMemFree", Calls.MEM_FREE, devicePointer), "cuMemFree(imported buffer)");
            } finally {
                destroy(handle);
            }
        }
    }

    private static void destroy(long handle) {
        CudaCalls.check(call("cuDestroyExternalMemory", Calls.DESTROY, handle), "cuDestroyExternalMemory");
    }

    /** @return cuImportExternalMemory, the first call bound (an "unsupported" when libcuda cannot be bound) */
    private static MethodHandle importCall() {
        try {
            return Calls.IMPORT;
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            throw TailLines.unsupported("the CUDA driver library could not be bound through the FFM API (" + e + ")",
                    "run with --enable-native-access=ALL-UNNAMED, or pass -D" + TailLines.PROPERTY + "=host");
        }
    }

    /** Calls a driver entry point (cold path: boxed arguments); @return its int result */
    private static int call(String name, MethodHandle handle, Object... args) {
        try {
            return (int) handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw TailLines.unsupported(name + " threw " + t, "pass -D" + TailLines.PROPERTY + "=host");
        }
    }
}
