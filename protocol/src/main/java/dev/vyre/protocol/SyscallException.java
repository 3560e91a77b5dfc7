package dev.vyre.protocol;

/**
 * A host system call that feeds or serves the runtime (a read, a ring setup) failed with an errno.
 * The message reads {@code <call> failed: <NAME> (errno <n>, <description>)[: <detail>]. Fix: <fix>},
 * e.g. {@code open(/x, O_DIRECT) failed: ENOENT (errno 2, No such file or directory). Fix: check the
 * path exists}.
 */
public final class SyscallException extends PipelineException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;

    /**
     * @param syscall the failing call with what it worked on, e.g. {@code open(/data.bin, O_DIRECT)}
     * @param errno   the positive errno value
     * @param fix     what to do
     */
    public SyscallException(String syscall, int errno, String fix) {
        this(syscall, errno, null, fix);
    }

    /**
     * @param syscall the failing call with what it worked on, e.g. {@code bind 10.0.0.9:9000}
     * @param errno   the positive errno value
     * @param detail  what the failure means here, e.g. {@code 10.0.0.9 is not an address of this machine};
     *                null for none
     * @param fix     what to do
     */
    public SyscallException(String syscall, int errno, String detail, String fix) {
        super(syscall + " failed: " + describe(errno) + (detail == null ? "" : ": " + detail), fix);
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

    /**
     * @return e.g. {@code ENOENT (errno 2, No such file or directory)}; {@code errno 999} for a value
     *         this table does not know
     */
    public static String describe(int errno) {
        Errno e = Errno.of(errno);
        return e == null ? "errno " + errno : e.name() + " (errno " + errno + ", " + e.text + ")";
    }

    /** @return the symbolic name, e.g. {@code EISDIR}, or {@code errno N} for a value this table does not know */
    public static String errnoName(int errno) {
        Errno e = Errno.of(errno);
        return e == null ? "errno " + errno : e.name();
    }

    /** The Linux (x86-64, generic) errno values host IO reports, with their {@code strerror} text. */
    private enum Errno {
        EPERM(1, "Operation not permitted"),
        ENOENT(2, "No such file or directory"),
        ESRCH(3, "No such process"),
        EINTR(4, "Interrupted system call"),
        EIO(5, "Input/output error"),
        ENXIO(6, "No such device or address"),
        E2BIG(7, "Argument list too long"),
        EBADF(9, "Bad file descriptor"),
        EAGAIN(11, "Resource temporarily unavailable"),
        ENOMEM(12, "Cannot allocate memory"),
        EACCES(13, "Permission denied"),
        EFAULT(14, "Bad address"),
        EBUSY(16, "Device or resource busy"),
        EEXIST(17, "File exists"),
        EXDEV(18, "Invalid cross-device link"),
        ENODEV(19, "No such device"),
        ENOTDIR(20, "Not a directory"),
        EISDIR(21, "Is a directory"),
        EINVAL(22, "Invalid argument"),
        ENFILE(23, "Too many open files in system"),
        EMFILE(24, "Too many open files"),
        EFBIG(27, "File too large"),
        ENOSPC(28, "No space left on device"),
        ESPIPE(29, "Illegal seek"),
        EROFS(30, "Read-only file system"),
        EPIPE(32, "Broken pipe"),
        ENAMETOOLONG(36, "File name too long"),
        ENOSYS(38, "Function not implemented"),
        ELOOP(40, "Too many levels of symbolic links"),
        ETIME(62, "Timer expired"),
        EOVERFLOW(75, "Value too large for defined data type"),
        ENOTSOCK(88, "Socket operation on non-socket"),
        EOPNOTSUPP(95, "Operation not supported"),
        EADDRINUSE(98, "Address already in use"),
        EADDRNOTAVAIL(99, "Cannot assign requested address"),
        ENETDOWN(100, "Network is down"),
        ENETUNREACH(101, "Network is unreachable"),
        ECONNABORTED(103, "Software caused connection abort"),
        ECONNRESET(104, "Connection reset by peer"),
        ENOBUFS(105, "No buffer space available"),
        ENOTCONN(107, "Transport endpoint is not connected"),
        ETIMEDOUT(110, "Connection timed out"),
        ECONNREFUSED(111, "Connection refused"),
        EHOSTUNREACH(113, "No route to host"),
        ECANCELED(125, "Operation canceled");

        private static final Errno[] BY_VALUE = new Errno[126];

        static {
            for (Errno e : values()) {
                BY_VALUE[e.value] = e;
            }
        }

        private final int value;
        private final String text;

        Errno(int value, String text) {
            this.value = value;
            this.text = text;
        }

        static Errno of(int errno) {
            return errno > 0 && errno < BY_VALUE.length ? BY_VALUE[errno] : null;
        }
    }
}
