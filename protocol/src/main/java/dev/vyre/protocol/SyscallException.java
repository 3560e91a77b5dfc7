package dev.vyre.protocol;

/** A host system call that feeds or serves the runtime (a read, a ring setup) failed with an errno. */
public final class SyscallException extends PipelineException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;

    /**
     * @param syscall the failing call, e.g. {@code io_uring_register_buffers}
     * @param errno   the positive errno value
     * @param fix     what to do
     */
    public SyscallException(String syscall, int errno, String fix) {
        super(syscall + " failed: errno=" + errno, fix);
        this.syscall = syscall;
        this.errno = errno;
    }

    /** @return the failing call */
    public String syscall() {
        return syscall;
    }

    /** @return the positive errno value */
    public int errno() {
        return errno;
    }
}
