package dev.vyre.uring;

import dev.vyre.protocol.SyscallException;
import java.nio.IntBuffer;
import java.nio.file.Path;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.linux.FCNTL;
import org.lwjgl.system.linux.UNISTD;

/** {@code open(2)} / {@code close(2)} through LWJGL, with errno and {@code Fix:} hints. */
public final class NativeFiles {

    /** The alignment O_DIRECT needs for offsets, lengths and addresses. */
    public static final int DIRECT_ALIGNMENT = 4096;

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
