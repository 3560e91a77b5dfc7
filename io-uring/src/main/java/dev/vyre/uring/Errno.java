package dev.vyre.uring;

import dev.vyre.protocol.SyscallException;

/** Names and hints for the Linux errno values io_uring reports. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOSYS = 38;
    static final int ENODATA = 61;
    static final int ETIME = 62;
    static final int EBADMSG = 74;
    static final int EOPNOTSUPP = 95;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ECONNRESET = 104;
    static final int EREMOTEIO = 121;
    static final int ECANCELED = 125;

    private Errno() {
    }

    /** @return the symbolic name, e.g. {@code EISDIR}, or {@code errno N} */
    static String name(int errno) {
        return SyscallException.errnoName(errno);
    }

    /**
     * @return true for a failed read that concerns its byte range only (the medium: a bad sector, a failed
     *         transfer), after which the ranges beyond it may still read: EIO, ENODATA, EBADMSG, EREMOTEIO
     */
    static boolean rangeFault(int errno) {
        return errno == EIO || errno == ENODATA || errno == EBADMSG || errno == EREMOTEIO;
    }

    /** @return what to do about a failed read with this errno */
    static String readFix(int errno) {
        return switch (errno) {
            case ENOENT -> "check the path exists";
            case EACCES, EPERM -> "grant read permission on the file, or run as a user that has it";
            case EISDIR -> "pass a regular file, not a directory";
            case EINVAL -> "O_DIRECT needs 4096-byte aligned offsets, lengths and addresses: align the chunk size"
                    + " and data buffer, or disable direct IO";
            case EIO -> "the device reported an IO error: check dmesg and the disk";
            case ENXIO -> "pass a file, FIFO or device; a UNIX socket cannot be opened as a file";
            case EBADF -> "the file descriptor was closed while a read was in flight; keep it open until completion";
            case ECANCELED -> "the read was cancelled because the reader closed; close only after draining";
            case EFAULT -> "the destination is outside the registered buffer, or the kernel cannot pin its pages (device"
                    + " memory mapped through a BAR, as a persistent Vulkan session's data buffer): keep reads inside"
                    + " the data buffer, and read device memory through host staging (IngestOptions.hostStaging)";
            case ENOMEM, EMFILE -> "raise the memlock / open-file limits (ulimit -l, ulimit -n)";
            case ENOSYS, EOPNOTSUPP -> "this kernel or file system does not support the operation; use kernel 5.6+"
                    + " or another file system";
            default -> "see errno " + errno + " in errno(3) and retry the read";
        };
    }
}
