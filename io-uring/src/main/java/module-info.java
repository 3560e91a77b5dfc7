/**
 * io_uring streaming into the megakernel: files through LWJGL's liburing (registered data
 * buffer, {@code READ_FIXED}), sockets through netty's io_uring transport, the pump that
 * publishes one CRC32C slot per chunk, and the IO-queue service that serves LOAD_MISS.
 */
module dev.vyre.uring {
    requires transitive dev.vyre.api;
    requires org.lwjgl;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.transport.classes.io_uring;
    requires io.netty.transport.unix.common;

    exports dev.vyre.uring;
}
