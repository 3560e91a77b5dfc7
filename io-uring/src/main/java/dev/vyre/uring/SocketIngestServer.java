package dev.vyre.uring;

import dev.vyre.api.Session;
import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.PipelineException;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.SyscallException;
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
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
 * <p>Back-pressure: when no staging region is free (every slot still in flight), the connection
 * stops reading ({@code autoRead} off) until a slot reaches DONE; at most the buffer netty had
 * already read is held, never an unbounded queue. A peer reset ends the connection with an error
 * that carries the errno; every byte received before it is published and verified.
 *
 * <p>Everything runs on one event-loop thread, which owns the staging regions.
 */
public final class SocketIngestServer implements AutoCloseable {

    private static final long SWEEP_MICROS = 200;
    private static final long CLOSE_SECONDS = 10;

    private final IngestOptions options;
    private final StagingRegions regions;
    private final Consumer<ConnectionReport> connections;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Channel server;
    private final ByteBuffer view;
    private final Map<String, Conn> open = new HashMap<>();
    private final List<Conn> sweepList = new ArrayList<>();
    private final ScheduledFuture<?> sweeper;
    private long connectionErrors;
    private int nextId;
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
        MemorySegmentView data = new MemorySegmentView(regions.data());
        this.view = data.buffer;
        this.group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        this.loop = group.next();
        try {
            this.server = new ServerBootstrap().group(group).channel(IoUringServerSocketChannel.class)
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
            throw new BackendException("interrupted while binding port " + port, "retry without interrupting", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw new BackendException("cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                    "pick a free port (0 picks one) and check permissions for ports below 1024", e);
        }
        this.sweeper = loop.scheduleAtFixedRate(this::sweep, SWEEP_MICROS, SWEEP_MICROS, TimeUnit.MICROSECONDS);
    }

    /**
     * Listens on {@code host:port} (port 0 picks a free one).
     *
     * @param chunks      receives every settled chunk (on the event loop)
     * @param connections receives each connection's report once all its chunks settled
     * @throws BackendException when io_uring sockets are unavailable or the port cannot be bound
     */
    public static SocketIngestServer listen(Session session, IngestOptions options, String host, int port,
                                            IngestListener chunks, Consumer<ConnectionReport> connections) {
        if (!IoUring.isAvailable()) {
            throw new BackendException("netty's io_uring transport is unavailable: " + IoUring.unavailabilityCause(),
                    "run on Linux 5.14+ with io_uring allowed (not blocked by seccomp or kernel.io_uring_disabled)");
        }
        return new SocketIngestServer(session, options, chunks, connections, host, port);
    }

    /** @return the bound port */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** @return staging regions */
    public int regionCount() {
        return regions.count();
    }

    /** @return counters since the server opened (read on the event loop) */
    public IngestTelemetry telemetry() {
        return onLoop(() -> regions.telemetry(false, 0, 0, connectionErrors));
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

    /** Periodic work on the loop: settle DONE slots, feed paused connections, finish closed ones. */
    private void sweep() {
        regions.settleAll();
        sweepList.clear();
        sweepList.addAll(open.values());
        for (int i = 0; i < sweepList.size(); i++) {
            sweepList.get(i).drain();
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
                sweep();
                return !open.isEmpty() || regions.published() > 0;
            }) && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
            }
        } finally {
            sweeper.cancel(false);
            group.shutdownGracefully(0, CLOSE_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One connection: fills a staging region at a time; pauses reading when none is free. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        private final Channel channel;
        private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
        private String source;
        private int region = -1;
        private int fill;
        private long sequence;
        private long received;
        private long staged;
        private long outstanding;
        private long bytes;
        private long chunks;
        private long verified;
        private boolean paused;
        private long pausedSince;
        private boolean inactive;
        private PipelineException error;

        Conn(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            source = channel.remoteAddress() + "#" + nextId++;
            open.put(source, this);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
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
                    }
                    int n = Math.min(buf.readableBytes(), options.chunkBytes() - fill);
                    long at = regions.offset(region) + fill;
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

        private void publish() {
            regions.publish(region, fill, source, sequence++, staged);
            staged += fill;
            outstanding++;
            region = -1;
            fill = 0;
        }

        private void pause() {
            if (!paused) {
                paused = true;
                pausedSince = System.nanoTime();
                regions.backpressureWaits++;
                channel.config().setAutoRead(false);
            } else if (System.nanoTime() - pausedSince > options.stallTimeout().toNanos() && error == null) {
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
            if (paused) {
                paused = false;
                regions.backpressureNanos += System.nanoTime() - pausedSince;
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

        private void finishIfSettled() {
            if (inactive && pending.isEmpty() && region < 0 && outstanding == 0 && open.remove(source) != null) {
                connections.accept(new ConnectionReport(source, bytes, chunks, verified, error));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (error == null) {
                connectionErrors++;
                if (cause instanceof Errors.NativeIoException io && io.expectedErr() < 0) {
                    int errno = -io.expectedErr();
                    error = new SyscallException("recv from " + source + " " + Errno.name(errno) + " after "
                            + received + " bytes", errno, errno == Errno.ECONNRESET
                            ? "the peer reset the connection; the " + received + " bytes before the reset were"
                                    + " published and verified: resend from byte " + received
                            : Errno.readFix(errno));
                } else {
                    error = new BackendException("connection " + source + " failed after " + received + " bytes: "
                            + cause, "check the peer and the network; the bytes before the failure were published", cause);
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

    /** A ByteBuffer view of the data buffer for netty's readBytes (data buffers up to 2 GiB). */
    private static final class MemorySegmentView {
        final ByteBuffer buffer;

        MemorySegmentView(java.lang.foreign.MemorySegment data) {
            if (data.byteSize() > Integer.MAX_VALUE) {
                throw QueueFullException.submission("socket ingest stages into at most 2 GiB of data buffer, not "
                        + data.byteSize() + " bytes; open the session with a smaller data buffer");
            }
            buffer = data.asByteBuffer();
        }
    }
}
