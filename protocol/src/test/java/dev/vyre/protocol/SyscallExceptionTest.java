package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one-line wording of a failed system call: call, symbolic errno, number, strerror text, Fix once. */
class SyscallExceptionTest {

    @Test
    void theMessageNamesTheCallTheErrnoAndItsTextThenTheFixOnce() {
        SyscallException e = new SyscallException("open(/x, O_DIRECT)", 2, "check the path exists");
        assertEquals("open(/x, O_DIRECT) failed: ENOENT (errno 2, No such file or directory). Fix: check the path"
                + " exists", e.getMessage());
        assertEquals("open(/x, O_DIRECT)", e.syscall());
        assertEquals(2, e.errno());
        assertEquals("check the path exists", e.fix());
    }

    @Test
    void aDetailFollowsTheErrno() {
        SyscallException e = new SyscallException("bind 10.0.0.9:9000", 99, "10.0.0.9 is not an address of this"
                + " machine", "listen on 127.0.0.1");
        assertEquals("bind 10.0.0.9:9000 failed: EADDRNOTAVAIL (errno 99, Cannot assign requested address): 10.0.0.9"
                + " is not an address of this machine. Fix: listen on 127.0.0.1", e.getMessage());
    }

    @Test
    void anErrnoOutsideTheTableIsItsNumber() {
        assertEquals("recv failed: errno 200. Fix: retry", new SyscallException("recv", 200, "retry").getMessage());
        assertEquals("errno 0", SyscallException.describe(0));
        assertEquals("errno -5", SyscallException.errnoName(-5));
        assertEquals("ETIME (errno 62, Timer expired)", SyscallException.describe(62));
        assertEquals("ECANCELED", SyscallException.errnoName(125));
    }
}
