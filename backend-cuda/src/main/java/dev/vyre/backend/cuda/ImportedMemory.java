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
    private boolean closed;

    /**
     * Imports {@code bytes} from {@code fd} (an opaque descriptor of an allocation of exactly that size) and maps
     * them from offset 0.
     *
     * @throws dev.vyre.protocol.UnsupportedFeatureException when the driver refuses
     */
    ImportedMemory(int fd, long bytes) {
        long imported = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment desc = arena.allocate(HANDLE_DESC_BYTES, 8);
            desc.set(JAVA_INT, 0, OPAQUE_FD);
            desc.set(JAVA_INT, 8, fd);
            desc.set(JAVA_LONG, 24, bytes);
            MemorySegment out = arena.allocate(JAVA_LONG);
            MethodHandle importCall;
            try {
                importCall = Calls.IMPORT;
            } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
                throw TailLines.unsupported("the CUDA driver library could not be bound through the FFM API ("
                        + e + ")", "run with --enable-native-access=ALL-UNNAMED, or pass -D" + TailLines.PROPERTY
                        + "=host");
            }
            int r = (int) importCall.invokeExact(out, desc);
            if (r != 0) {
                int closedFd = (int) Calls.CLOSE.invokeExact(fd);
                throw TailLines.unsupported("cuImportExternalMemory of a Vulkan allocation failed (CUresult " + r
                        + (closedFd == 0 ? "" : "; closing its descriptor failed too") + ")",
                        "update the NVIDIA driver, or pass -D" + TailLines.PROPERTY + "=host");
            }
            imported = out.get(JAVA_LONG, 0);
            MemorySegment buffer = arena.allocate(BUFFER_DESC_BYTES, 8);
            buffer.set(JAVA_LONG, 8, bytes);
            r = (int) Calls.MAPPED_BUFFER.invokeExact(out, imported, buffer);
            if (r != 0) {
                throw TailLines.unsupported("cuExternalMemoryGetMappedBuffer failed (CUresult " + r + ")",
                        "update the NVIDIA driver, or pass -D" + TailLines.PROPERTY + "=host");
            }
            long mapped = out.get(JAVA_LONG, 0);
            // Zeroed by the device too (through its L2), on the legacy stream, waited for: the kernel's first read of
            // the block must not find what an earlier user of the same memory left there.
            r = (int) Calls.MEMSET.invokeExact(mapped, (byte) 0, bytes);
            if (r == 0) {
                r = (int) Calls.STREAM_SYNC.invokeExact(MemorySegment.NULL);
            }
            if (r != 0) {
                int freed = (int) Calls.MEM_FREE.invokeExact(mapped);
                throw TailLines.unsupported("zeroing the imported buffer failed (CUresult " + r
                        + (freed == 0 ? "" : "; freeing it failed too") + ")",
                        "check nvidia-smi, or pass -D" + TailLines.PROPERTY + "=host");
            }
            this.handle = imported;
            this.devicePointer = mapped;
        } catch (RuntimeException | Error e) {
            if (imported != 0) {
                destroy(imported);
            }
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** @return the device address of the mapped buffer */
    long devicePointer() {
        return devicePointer;
    }

    /** Frees the mapped buffer, then destroys the import; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                int r = (int) Calls.MEM_FREE.invokeExact(devicePointer);
                CudaCalls.check(r, "cuMemFree(imported buffer)");
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                destroy(handle);
            }
        }
    }

    private static void destroy(long handle) {
        try {
            int r = (int) Calls.DESTROY.invokeExact(handle);
            CudaCalls.check(r, "cuDestroyExternalMemory");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
