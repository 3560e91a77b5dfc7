package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SyscallException;
import dev.vyre.protocol.VyreArgumentException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.Errors;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A TCP ingest listener on netty's io_uring transport. Received bytes are copied into the same
 * staging regions of the session's data buffer the file pump uses, and published the same way:
 * one slot per full chunk (and one for the tail when the peer closes), reused only after DONE.
 *
 * <p>Every connection that was accepted is reported exactly once, when it ended and every chunk it
 * sent settled: a clean close without an error, a peer reset (even one that follows the data at
 * once, {@code SO_LINGER 0}) with the errno and the bytes that arrived before it.
 *
 * <p>Back-pressure: when no staging region is free (every slot still in flight), the connection
 * stops reading ({@code autoRead} off) until a slot reaches DONE; at most the buffer netty had
 * already read is held, never an unbounded queue. {@link IngestTelemetry#backpressureNanos()} is
 * the time during which at least one connection was paused, so it never exceeds the time the
 * server ran.
 *
 * <p>Idle cost: the event loop polls slot status words (every 200 µs, every 5 ms once nothing moved for
 * 50 ms) only while chunks are in flight or a connection is paused; while connections are open it also checks them once a second
 * (a reset the transport did not deliver ends the connection with an error); with nothing open it
 * sleeps in the kernel.
 *
 * <p>Transport settings: unless they are given, {@link #listen} sets
 * {@code -Dio.netty.iouring.pollAddMultishotEnabled} and {@code -Dio.netty.iouring.acceptMultiShotEnabled}
 * to {@code false} before netty's io_uring transport initialises. With multishot {@code POLL_ADD},
 * netty 4.2 can miss a reset that arrives right after data, and the connection then never ends; with
 * multishot {@code ACCEPT} it learns no peer address for a connection reset before it is active (the
 * report then names it {@code unknown-peer}). In a JVM where the transport initialised earlier with
 * multishot polls, the once-a-second check above ends such a connection instead.
 *
 * <p>Everything runs on one event-loop thread, which owns the staging regions.
 */
public final class SocketIngestServer implements AutoCloseable {

    /** A netty system property this server sets to {@code false} unless it is given. */
    public static final String MULTISHOT_POLL_PROPERTY = "io.netty.iouring.pollAddMultishotEnabled";
    /** A netty system property this server sets to {@code false} unless it is given. */
    public static final String MULTISHOT_ACCEPT_PROPERTY = "io.netty.iouring.acceptMultiShotEnabled";

    private static final long SWEEP_MICROS = 200;
    private static final long LONG_SWEEP_MICROS = 5_000;
    private static final long QUIET_NANOS = 50_000_000L;
    private static final long CHECK_MILLIS = 1000;
    private static final long CLOSE_SECONDS = 10;
    private static final int TCP_CLOSE = 7;
    private static final int TCP_CLOSE_WAIT = 8;

    private final IngestOptions options;
    private final StagingRegions regions;
    private final Consumer<ConnectionReport> connections;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Channel server;
    private final ByteBuffer view;
    private final Map<String, Conn> open = new HashMap<>();
    private final List<Conn> sweepList = new ArrayList<>();
    private ScheduledFuture<?> sweep;
    private long sweepMicros = SWEEP_MICROS;
    private long quietSince = System.nanoTime();
    private ScheduledFuture<?> check;
    private int paused;
    private long pausedSince;
    private long connectionErrors;
    private int nextId;
    private boolean stopping;
    private boolean closed;

    private SocketIngestServer(Session session, IngestOptions options, IngestListener chunks,
                               Consumer<ConnectionReport> connections, String host, int port) {
        this.options = options;
        this.connections = connections;
        this.regions = new StagingRegions(session, options, chunk -> {
            Conn c = open.get(chunk.source());
            if (c != null) {
                c.settled(chunk);
            }
            chunks.onChunk(chunk);
        });
        MemorySegmentView data = new MemorySegmentView(regions.io());
        this.view = data.buffer;
        this.group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        this.loop = group.next();
        try {
            this.server = new ServerBootstrap().group(group).channel(IoUringServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true) // a restart binds while old connections linger
                    .childOption(ChannelOption.AUTO_READ, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Conn(ch));
                        }
                    }).bind(host, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            regions.close(); // the loop never read into it: nothing was bound
            throw new BackendException("interrupted while binding port " + port, "retry without interrupting", e);
        } catch (Exception e) { // sync() rethrows the bind's IOException without declaring it
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            regions.close();
            throw bindFailure(host, port, e);
        }
    }

    /**
     * Listens on {@code host:port} (port 0 picks a free one). When this returns the socket is bound
     * and accepting: a client may connect at once.
     *
     * @param chunks      receives every settled chunk (on the event loop)
     * @param connections receives each connection's report once all its chunks settled (on the event loop)
     * @throws SyscallException when the address cannot be bound (port in use, address not local,
     *                          privileged port), with the errno
     * @throws BackendException when io_uring sockets are unavailable
     */
    public static SocketIngestServer listen(Session session, IngestOptions options, String host, int port,
                                            IngestListener chunks, Consumer<ConnectionReport> connections) {
        for (String property : new String[] {MULTISHOT_POLL_PROPERTY, MULTISHOT_ACCEPT_PROPERTY}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "false"); // read once, when IoUring initialises below
            }
        }
        if (!IoUring.isAvailable()) {
            throw new BackendException("netty's io_uring transport is unavailable: " + IoUring.unavailabilityCause(),
                    "run on Linux 5.14+ with io_uring allowed (not blocked by seccomp or kernel.io_uring_disabled)");
        }
        return new SocketIngestServer(session, options, chunks, connections, host, port);
    }

    private static PipelineException bindFailure(String host, int port, Throwable e) {
        String where = host + ":" + port;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Errors.NativeIoException io && io.expectedErr() < 0) {
                int errno = -io.expectedErr();
                return switch (errno) {
                    case Errno.EADDRINUSE -> new SyscallException("bind " + where, errno, "the port is in use",
                            "pick another port (0 picks a free one), or stop the program that holds it"
                                    + " (ss -ltnp 'sport = :" + port + "')");
                    case Errno.EADDRNOTAVAIL -> new SyscallException("bind " + where, errno, host
                            + " is not an address of this machine", "listen on a local address:"
                                    + " 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one that"
                                    + " `ip -brief address` lists");
                    case Errno.EACCES -> new SyscallException("bind " + where, errno,
                            "ports below 1024 need privileges", "pick a port of 1024 or more, or grant the program"
                                    + " CAP_NET_BIND_SERVICE");
                    default -> new SyscallException("bind " + where, errno,
                            "pick another address or port (0 picks a free one)");
                };
            }
            if (t instanceof UnresolvedAddressException) {
                return new BackendException("cannot listen on " + where + ": the host name does not resolve",
                        "pass an IP address such as 127.0.0.1, or a name this machine resolves", e);
            }
        }
        return new BackendException("cannot listen on " + where + ": " + firstLine(e),
                "pick a free port (0 picks one) and a local address", e);
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int eol = m.indexOf('\n');
        return eol < 0 ? m : m.substring(0, eol);
    }

    /** @return the bound port */
    public int port() {
        return localAddress().getPort();
    }

    /** @return the bound address and port */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** @return staging regions */
    public int regionCount() {
        return regions.count();
    }

    /** @return counters since the server opened (read on the event loop) */
    public IngestTelemetry telemetry() {
        return onLoop(() -> {
            IngestTelemetry t = regions.telemetry(false, 0, 0, connectionErrors);
            long ongoing = paused > 0 ? System.nanoTime() - pausedSince : 0;
            return new IngestTelemetry(t.fixedBuffers(), t.registrationErrno(), t.bytes(), t.chunks(), t.verified(),
                    t.mismatches(), t.shortReads(), t.readErrors(), t.backpressureWaits(),
                    t.backpressureNanos() + ongoing);
        });
    }

    /** @return connections accepted and not yet reported (read on the event loop) */
    public int openConnections() {
        return onLoop(open::size);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        try {
            return loop.submit(task).get(CLOSE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted waiting for the event loop", "retry without interrupting", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new BackendException("the ingest event loop did not answer: " + e, "close the server and open a new one",
                    e);
        }
    }

    /** Schedules a sweep unless one is pending (on the loop). */
    private void wake() {
        if (sweep == null && !stopping) {
            sweep = loop.schedule(this::sweep, sweepMicros, TimeUnit.MICROSECONDS);
        }
    }

    /**
     * Settles DONE slots, feeds paused connections, finishes closed ones; runs again while chunks are
     * in flight or a connection waits for a region: every {@value #SWEEP_MICROS} µs, and once nothing has
     * moved for {@value #QUIET_NANOS} ns (the ring is held, the device stalled) at intervals doubling to
     * {@value #LONG_SWEEP_MICROS} µs, so that a held ring does not cost thousands of wake-ups a second.
     */
    private void sweep() {
        sweep = null;
        int published = regions.published();
        int waiting = paused;
        sweepOnce();
        long now = System.nanoTime();
        if (regions.published() != published || paused != waiting) {
            sweepMicros = SWEEP_MICROS;
            quietSince = now;
        } else if (now - quietSince >= QUIET_NANOS) {
            sweepMicros = Math.min(sweepMicros * 2, LONG_SWEEP_MICROS);
        }
        if (regions.published() > 0 || paused > 0) {
            wake();
        }
    }

    private void sweepOnce() {
        regions.settleAll();
        sweepList.clear();
        sweepList.addAll(open.values());
        for (int i = 0; i < sweepList.size(); i++) {
            sweepList.get(i).drain();
        }
    }

    /** Once a second while connections are open: ends connections whose peer is gone unnoticed. */
    private void check() {
        sweepList.clear();
        sweepList.addAll(open.values());
        for (int i = 0; i < sweepList.size(); i++) {
            sweepList.get(i).checkPeer();
        }
    }

    private void opened(Conn c) {
        open.put(c.source, c);
        if (check == null && !stopping) {
            check = loop.scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void ended(Conn c) {
        open.remove(c.source);
        if (open.isEmpty() && check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void pausedOne() {
        if (paused++ == 0) {
            pausedSince = System.nanoTime();
        }
        regions.backpressureWaits++;
        wake();
    }

    private void resumedOne() {
        if (--paused == 0) {
            regions.backpressureNanos += System.nanoTime() - pausedSince;
        }
    }

    /**
     * Stops accepting, closes every connection, waits (bounded) until published chunks settle,
     * and shuts the event loop down. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close().syncUninterruptibly();
        try {
            onLoop(() -> {
                for (Conn c : new ArrayList<>(open.values())) {
                    c.channel.close();
                }
                return null;
            });
            long deadline = System.nanoTime() + options.stallTimeout().toNanos();
            while (onLoop(() -> {
                sweepOnce();
                return !open.isEmpty() || regions.published() > 0;
            }) && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
            }
        } finally {
            try {
                onLoop(() -> {
                    stopping = true;
                    if (sweep != null) {
                        sweep.cancel(false);
                    }
                    if (check != null) {
                        check.cancel(false);
                    }
                    return null;
                });
            } finally {
                try {
                    group.shutdownGracefully(0, CLOSE_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
                } finally {
                    regions.close();
                }
            }
        }
    }

    /** One connection: fills a staging region at a time; pauses reading when none is free. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        private final Channel channel;
        private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
        private String source;
        private int region = -1;
        private int fill;
        private int carry;
        private byte[] tail;
        private int kept;
        private long sequence;
        private long received;
        private long staged;
        private long outstanding;
        private long bytes;
        private long chunks;
        private long verified;
        private boolean isPaused;
        private long pausedAt;
        private boolean inactive;
        private long lastRead = System.nanoTime();
        private int peerGoneChecks;
        private PipelineException error;

        Conn(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            SocketAddress remote = channel.remoteAddress();
            source = (remote == null ? "unknown-peer" : remote.toString()) + "#" + nextId++;
            opened(this);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            lastRead = System.nanoTime();
            peerGoneChecks = 0;
            pending.add(buf);
            drain();
        }

        /** Copies pending bytes into staging regions; pauses reading when no region is free. */
        void drain() {
            while (!pending.isEmpty()) {
                ByteBuf buf = pending.peek();
                while (buf.isReadable()) {
                    if (region < 0) {
                        region = regions.tryAcquire();
                        if (region < 0) {
                            pause();
                            return;
                        }
                        fill = 0;
                        carry = kept;
                        if (carry > 0) {
                            regions.copyIn(region, tail, carry);
                        }
                    }
                    int n = Math.min(buf.readableBytes(), options.chunkBytes() - fill);
                    long at = regions.offset(region) + carry + fill;
                    view.limit((int) (at + n)).position((int) at);
                    buf.readBytes(view);
                    fill += n;
                    if (fill == options.chunkBytes()) {
                        publish();
                    }
                }
                pending.poll().release();
            }
            resume();
            if (inactive) {
                if (region >= 0 && fill > 0) {
                    publish();
                } else if (region >= 0) {
                    regions.release(region);
                    region = -1;
                }
                finishIfSettled();
            }
        }

        /** Publishes the region; with overlap, first keeps the end of what it staged for the next region. */
        private void publish() {
            if (options.overlapBytes() > 0) {
                if (tail == null) {
                    tail = new byte[options.overlapBytes()];
                }
                kept = Math.min(tail.length, carry + fill);
                regions.copyOut(region, carry + fill - kept, tail, kept);
            }
            regions.publish(region, fill, source, sequence++, staged, carry);
            staged += fill;
            outstanding++;
            region = -1;
            fill = 0;
            wake();
        }

        private void pause() {
            if (!isPaused) {
                isPaused = true;
                pausedAt = System.nanoTime();
                pausedOne();
                channel.config().setAutoRead(false);
            } else if (System.nanoTime() - pausedAt > options.stallTimeout().toNanos() && error == null) {
                long unstaged = received - staged - fill;
                error = new QueueFullException("ring", "no staging slot reached DONE within " + options.stallTimeout()
                        + " while " + unstaged + " received bytes of " + source + " waited; check that the interpreter"
                        + " is running and tenant " + options.tenant() + " is authorised");
                connectionErrors++;
                for (ByteBuf b : pending) {
                    b.release();
                }
                pending.clear();
                channel.close();
            }
        }

        private void resume() {
            if (isPaused) {
                isPaused = false;
                resumedOne();
                if (!inactive) {
                    channel.config().setAutoRead(true);
                }
            }
        }

        void settled(ChunkReport chunk) {
            outstanding--;
            chunks++;
            bytes += chunk.length();
            if (chunk.verified()) {
                verified++;
            }
        }

        /**
         * Ends the connection when its socket has been closed or reset by the peer for two checks in
         * a row while the transport delivered nothing: the end the transport should have reported.
         */
        void checkPeer() {
            if (inactive || isPaused || error != null || System.nanoTime() - lastRead < CHECK_MILLIS * 1_000_000L) {
                peerGoneChecks = 0;
                return;
            }
            int state;
            try {
                state = channel instanceof IoUringSocketChannel s ? s.tcpInfo().state() : -1;
            } catch (RuntimeException e) {
                state = TCP_CLOSE; // the socket is gone
            }
            if (state != TCP_CLOSE && state != TCP_CLOSE_WAIT) {
                peerGoneChecks = 0;
                return;
            }
            if (++peerGoneChecks < 2) {
                return;
            }
            connectionErrors++;
            error = new SyscallException("recv from " + source + " after " + received + " bytes",
                    state == TCP_CLOSE ? Errno.ECONNRESET : Errno.EIO, "the peer " + (state == TCP_CLOSE ? "reset"
                            : "closed") + " the connection and the transport did not report it", "the " + received
                            + " bytes received were"
                            + " published and verified: resend from byte " + received);
            channel.close();
        }

        private void finishIfSettled() {
            if (inactive && pending.isEmpty() && region < 0 && outstanding == 0 && open.get(source) == this) {
                ended(this);
                connections.accept(new ConnectionReport(source, bytes, chunks, verified, error));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (error == null) {
                connectionErrors++;
                if (cause instanceof Errors.NativeIoException io && io.expectedErr() < 0) {
                    int errno = -io.expectedErr();
                    error = new SyscallException("recv from " + source + " after " + received + " bytes", errno, errno == Errno.ECONNRESET
                            ? "the peer reset the connection; the " + received + " bytes before the reset were"
                                    + " published and verified: resend from byte " + received
                            : Errno.readFix(errno));
                } else {
                    error = new BackendException("connection " + source + " failed after " + received + " bytes: "
                            + firstLine(cause), "check the peer and the network; the bytes before the failure were"
                                    + " published", cause);
                }
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
            if (source == null) {
                return;
            }
            drain();
        }
    }

    /** A ByteBuffer view of the data buffer for netty's readBytes (data buffers up to 2 GiB - 1). */
    private static final class MemorySegmentView {
        final ByteBuffer buffer;

        MemorySegmentView(java.lang.foreign.MemorySegment data) {
            if (data.byteSize() > Integer.MAX_VALUE) {
                throw new VyreArgumentException("session", "its data buffer of " + data.byteSize()
                        + " bytes is 2 GiB or more, and socket ingest stages into less",
                        "open the session with a data buffer below 2 GiB");
            }
            buffer = data.asByteBuffer();
        }
    }
}
