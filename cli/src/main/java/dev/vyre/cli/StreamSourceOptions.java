package dev.vyre.cli;

import dev.vyre.uring.ConnectionReport;
import dev.vyre.uring.FileIngestPump;
import dev.vyre.uring.FileReport;
import dev.vyre.uring.IngestOptions;
import dev.vyre.uring.SourceKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of a command that streams sources through io_uring ({@code ingest}, {@code scan}): either
 * sources on the command line (files, FIFOs, devices, '-' for standard input; {@code --max-bytes},
 * {@code --idle-timeout}) or TCP connections ({@code --listen}, {@code --host}, {@code --connections},
 * {@code --ready-file}), and how they are read ({@code --depth}, {@code --no-direct}, {@code --no-fixed}).
 * Each check refuses a bad value with a usage error before anything is opened; {@link #read} and
 * {@link #serve} are the loops both commands run over their sources.
 */
final class StreamSourceOptions {

    /** Longest {@code --idle-timeout}. */
    static final double MAX_IDLE_SECONDS = 86_400;
    /** {@code --idle-timeout} without the option. */
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--listen", paramLabel = "PORT",
            description = "read TCP connections on PORT instead of sources, 0..65535 (0 picks a free one)")
    private Integer listen;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "with --listen: a local address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 = every"
                    + " interface)")
    private String host;

    @Option(names = "--connections", paramLabel = "N",
            description = "with --listen: stop after N connections ended (default 0 = until Ctrl-C)")
    private Integer connections;

    @Option(names = "--ready-file", paramLabel = "PATH",
            description = "with --listen: create PATH (holding HOST:PORT) once the socket is bound; removed on exit")
    private Path readyFile;

    @Option(names = "--depth", defaultValue = "16", paramLabel = "N",
            description = "io_uring reads in flight, 1..4096 (default ${DEFAULT-VALUE})")
    private int depth;

    @Option(names = "--max-bytes", paramLabel = "BYTES", converter = ByteCount.class,
            description = "read at most BYTES from each source (K, M, G suffixes); needed for endless sources such as"
                    + " /dev/zero")
    private Long maxBytes;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "give up on a FIFO, pipe or standard input that delivers nothing (no writer included) for"
                    + " SECONDS; 0 waits without limit (default 30)")
    private Double idleTimeout;

    @Option(names = "--no-direct", description = "read through the page cache even when O_DIRECT alignment holds")
    private boolean noDirect;

    @Option(names = "--no-fixed", description = "plain READ instead of READ_FIXED into the registered data buffer")
    private boolean noFixed;

    /** @return true with {@code --listen} */
    boolean listening() {
        return listen != null;
    }

    /** @return the {@code --host} address */
    String host() {
        return host;
    }

    /** @return the {@code --listen} port (after {@link #checkListen}) */
    int port() {
        return listen;
    }

    /** @return the {@code --connections} limit, 0 for none */
    int connections() {
        return connections == null ? 0 : connections;
    }

    /**
     * Checks {@code --depth}, {@code --idle-timeout} and {@code --max-bytes}.
     *
     * @param chunkBytes the command's checked chunk size
     * @return a builder holding the chunk size, queue depth, O_DIRECT, READ_FIXED and idle timeout
     */
    IngestOptions.Builder checkReading(int chunkBytes) {
        range(spec, "--depth", depth, 1, IngestOptions.MAX_QUEUE_DEPTH, "e.g. --depth 16");
        Duration idle = DEFAULT_IDLE;
        if (idleTimeout != null) {
            if (!(idleTimeout >= 0 && idleTimeout <= MAX_IDLE_SECONDS)) {
                throw UsageErrorHandler.error(spec, "--idle-timeout " + idleTimeout + " is outside 0.."
                        + (long) MAX_IDLE_SECONDS + " seconds", "pass a number of seconds, e.g. --idle-timeout 30, or 0"
                        + " to wait without limit");
            }
            idle = Duration.ofNanos((long) (idleTimeout * 1e9));
        }
        if (maxBytes != null && maxBytes < 1) {
            throw UsageErrorHandler.error(spec, "--max-bytes " + maxBytes + " is not positive",
                    "pass a byte count of 1 or more, e.g. --max-bytes 1G");
        }
        return IngestOptions.builder().chunkBytes(chunkBytes).queueDepth(depth).directIo(!noDirect)
                .fixedBuffers(!noFixed).idleTimeout(idle);
    }

    /**
     * With {@code --listen}: checks the port, {@code --connections} and {@code --host}, and refuses the options
     * of command-line sources.
     *
     * @param sources what the command calls its command-line sources, e.g. {@code FILE}
     * @return the checked {@code --ready-file}, or null
     */
    ReadyFile checkListen(String sources) {
        range(spec, "--listen", listen, 0, 65_535, "e.g. --listen 9000, or 0 for a free port");
        if (connections != null) {
            range(spec, "--connections", connections, 0, Integer.MAX_VALUE, "e.g. --connections 1, or 0 for no limit");
        }
        for (String option : new String[] {"--max-bytes", "--idle-timeout"}) {
            if (matched(spec, option)) {
                throw UsageErrorHandler.error(spec, option + " applies to " + sources + " sources, not to --listen",
                        "drop " + option);
            }
        }
        ListenAddress.check(spec, host, listen);
        return readyFile == null ? null : ReadyFile.check(spec, readyFile);
    }

    /**
     * Without {@code --listen}: refuses the options of {@code --listen}, standard input given twice, and an
     * endless device without {@code --max-bytes}.
     *
     * @return the byte limit per source ({@code --max-bytes}, else {@link Long#MAX_VALUE})
     */
    long checkSources(List<String> sources) {
        for (String option : new String[] {"--connections", "--ready-file"}) {
            if (matched(spec, option)) {
                throw UsageErrorHandler.error(spec, option + " applies to --listen only",
                        "add --listen PORT, or drop " + option);
            }
        }
        long limit = maxBytes == null ? Long.MAX_VALUE : maxBytes;
        int stdin = 0;
        for (String f : sources) {
            if (f.equals("-")) {
                if (++stdin > 1) {
                    throw UsageErrorHandler.error(spec, "'-' (standard input) is given more than once",
                            "pass '-' once");
                }
                continue;
            }
            if (SourceKind.of(Path.of(f)).mayBeEndless() && limit == Long.MAX_VALUE) {
                throw UsageErrorHandler.error(spec, f + " is a character device and may never end (as /dev/zero)",
                        "pass --max-bytes BYTES to stop after that many bytes, e.g. --max-bytes 1G");
            }
        }
        return limit;
    }

    /**
     * @return bytes the sources are known to hold (regular files, each up to {@code limit}), or 0 when one of
     *         them is streamed (standard input, a FIFO, a character device) or a block device: its size is
     *         not known before it is opened
     */
    static long knownBytes(List<String> sources, long limit) {
        long known = 0;
        for (String f : sources) {
            if (f.equals("-") || SourceKind.of(Path.of(f)).streamed()
                    || SourceKind.of(Path.of(f)) == SourceKind.BLOCK_DEVICE) {
                return 0;
            }
            if (SourceKind.of(Path.of(f)) == SourceKind.REGULAR) {
                try {
                    known += Math.min(Files.size(Path.of(f)), limit);
                } catch (IOException e) {
                    // reported when the source is read
                }
            }
        }
        return known;
    }

    /** Reads command-line source {@code source} ('-' is standard input) whole, or its first {@code limit} bytes. */
    static FileReport read(FileIngestPump pump, String source, long limit) {
        return source.equals("-") ? pump.ingestStandardInput(limit) : pump.ingest(Path.of(source), limit);
    }

    /** Reports one connection that ended: prints its line. */
    interface EndedConnection {
        /**
         * @param seen connections ended so far, this one included
         * @return whether it arrived whole
         */
        boolean report(ConnectionReport connection, int seen);
    }

    /**
     * What {@link #serve} saw.
     *
     * @param connections connections that ended
     * @param failed      of those, how many did not arrive whole
     */
    record Served(int connections, int failed) {
    }

    /**
     * Serves a bound server on {@code port}: prints {@code listening on HOST:PORT}, writes the ready file, and
     * hands every connection the server puts on {@code ended} to {@code report} (then its error, if any, on a
     * line of its own) until {@code --connections} of them ended, or without end when none was given. Removes
     * the ready file on the way out.
     *
     * @throws CliFailure when interrupted while waiting
     */
    Served serve(int port, ReadyFile ready, BlockingQueue<ConnectionReport> ended, PrintWriter out,
                 EndedConnection report) {
        int limit = connections();
        int seen = 0;
        int failed = 0;
        try {
            out.printf("  listening on %s:%d (netty io_uring)%n", host, port);
            out.flush();
            if (ready != null) {
                ready.write(host + ":" + port);
            }
            while (limit == 0 || seen < limit) {
                ConnectionReport r = ended.poll(1, TimeUnit.SECONDS);
                if (r == null) {
                    continue;
                }
                seen++;
                boolean good = report.report(r, seen);
                if (r.error() != null) {
                    out.println("    " + OneLine.of(r.error(), FailureHandler.DEFAULT_FIX));
                }
                out.flush();
                failed += good ? 0 : 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted while waiting for connections", "run it again");
        } finally {
            if (ready != null) {
                ready.remove();
            }
        }
        return new Served(seen, failed);
    }

    /** Refuses {@code value} outside {@code min..max} with a usage error of {@code spec}'s command. */
    static void range(CommandSpec spec, String option, long value, long min, long max, String example) {
        if (value < min || value > max) {
            throw UsageErrorHandler.error(spec, option + " " + Formats.count(value) + " is outside "
                    + Formats.count(min) + ".." + Formats.count(max), "pass a value in that range, " + example);
        }
    }

    /** @return whether {@code option} was given on {@code spec}'s command line */
    static boolean matched(CommandSpec spec, String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }
}
