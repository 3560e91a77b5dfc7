package dev.vyre.uring;

import dev.vyre.protocol.SyscallException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.IntBuffer;
import java.nio.file.Path;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.linux.FCNTL;
import org.lwjgl.system.linux.UNISTD;

/** {@code open(2)} / {@code close(2)} through LWJGL, {@code lseek(2)} through the FFM API, with errno and {@code Fix:} hints. */
public final class NativeFiles {

    /** The alignment O_DIRECT needs for offsets, lengths and addresses. */
    public static final int DIRECT_ALIGNMENT = 4096;

    private static final int SEEK_END = 2;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle LSEEK = lseek();

    private NativeFiles() {
    }

    /**
     * Opens {@code path} read-only (close-on-exec), with {@code O_DIRECT} when asked.
     *
     * @return the file descriptor
     * @throws SyscallException with the errno when open fails
     */
    public static int openRead(Path path, boolean direct) {
        return open(path, FCNTL.O_RDONLY | FCNTL.O_CLOEXEC | (direct ? FCNTL.O_DIRECT : 0), direct);
    }

    /**
     * Opens {@code path} read-only (close-on-exec) and non-blocking: a FIFO opens at once even when no
     * writer has opened it yet, and reads return {@code EAGAIN} instead of waiting.
     *
     * @return the file descriptor
     * @throws SyscallException with the errno when open fails
     */
    public static int openReadNonBlocking(Path path) {
        return open(path, FCNTL.O_RDONLY | FCNTL.O_CLOEXEC | FCNTL.O_NONBLOCK, false);
    }

    private static int open(Path path, int flags, boolean direct) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer errno = stack.mallocInt(1);
            int fd = FCNTL.open(errno, path.toString(), flags, 0);
            if (fd < 0) {
                int e = errno.get(0);
                throw new SyscallException("open(" + path + (direct ? ", O_DIRECT" : "") + ")", e, Errno.readFix(e));
            }
            return fd;
        }
    }

    /**
     * The size of an open file or block device: {@code lseek(fd, 0, SEEK_END)} (a block device's
     * {@code stat} size is 0; its end is the device's capacity). Moves the descriptor's file offset,
     * which positional reads do not use.
     *
     * @return bytes from the start to the end
     * @throws SyscallException with the errno when lseek fails
     */
    public static long size(int fd, Path path) {
        if (LSEEK == null) {
            throw new SyscallException("lseek(" + path + ", SEEK_END)", Errno.ENOSYS, "run on Linux with glibc or musl");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long end;
            try {
                end = (long) LSEEK.invokeExact(state, fd, 0L, SEEK_END);
            } catch (Throwable e) {
                throw new SyscallException("lseek(" + path + ", SEEK_END)", Errno.ENOSYS, "run on Linux with glibc or musl");
            }
            if (end < 0) {
                int e = (int) ERRNO.get(state, 0L);
                throw new SyscallException("lseek(" + path + ", SEEK_END)", e, Errno.readFix(e));
            }
            return end;
        }
    }

    private static MethodHandle lseek() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("lseek").map(symbol -> linker.downcallHandle(symbol,
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT), Linker.Option.captureCallState("errno"))).orElse(null);
    }

    /** Closes {@code fd}; errors are returned, not thrown (close is called on cleanup paths). */
    public static int close(int fd) {
        if (fd < 0) {
            return 0;
        }
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer errno = stack.mallocInt(1);
            return UNISTD.close(errno, fd) < 0 ? errno.get(0) : 0;
        }
    }
}
