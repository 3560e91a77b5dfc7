package dev.vyre.protocol;

/** An io_uring system call failed with an errno. */
public final class IoUringSyscallException extends PipelineException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;

    public IoUringSyscallException(String syscall, int errno, String fix) {
        super("io_uring " + syscall + " failed: errno=" + errno, fix);
        this.syscall = syscall;
        this.errno = errno;
    }

    /** @return the failing call, e.g. {@code io_uring_register_buffers} */
    public String syscall() {
        return syscall;
    }

    /** @return the positive errno value */
    public int errno() {
        return errno;
    }
}
