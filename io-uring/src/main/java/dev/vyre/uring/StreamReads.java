package dev.vyre.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@code read(2)} and {@code poll(2)} on one descriptor, for sources of unknown size (pipes, FIFOs,
 * standard input, character devices, pseudo files) that are read until their end. Errors are
 * returned as negative errno values, never thrown. One instance per stream; not thread-safe.
 */
final class StreamReads implements AutoCloseable {

    /** {@code poll} event bits. */
    static final short POLLIN = 0x001;
    static final short POLLERR = 0x008;
    static final short POLLHUP = 0x010;
    static final short POLLNVAL = 0x020;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));

    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment pollFd = arena.allocate(8, 8); // struct pollfd { int fd; short events, revents; }

    StreamReads(int fd) {
        this.fd = fd;
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name)
                .map(symbol -> linker.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno")))
                .orElseThrow(() -> new IllegalStateException("libc has no " + name + ". Fix: run on Linux with glibc"
                        + " or musl"));
    }

    /**
     * Reads at most {@code count} bytes into native memory at {@code address}.
     *
     * @return bytes read, 0 at end of stream, or {@code -errno}
     */
    long read(long address, long count) {
        try {
            long n = (long) READ.invokeExact(state, fd, address, count);
            return n >= 0 ? n : -(int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return -Errno.ENOSYS;
        }
    }

    /**
     * Waits until the descriptor is readable, hung up or failed, at most {@code timeoutMillis}.
     *
     * @return the returned events (0 when the wait timed out), or {@code -errno}
     */
    int poll(int timeoutMillis) {
        try {
            pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int n = (int) POLL.invokeExact(state, pollFd, 1L, timeoutMillis);
            if (n < 0) {
                return -(int) ERRNO.get(state, 0L);
            }
            return n == 0 ? 0 : pollFd.get(ValueLayout.JAVA_SHORT, 6) & 0xffff;
        } catch (Throwable e) {
            return -Errno.ENOSYS;
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
