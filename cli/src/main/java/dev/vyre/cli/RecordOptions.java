package dev.vyre.cli;

import dev.vyre.api.ReplayLogOptions;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --record FILE [--record-capacity N] [--record-format full|vrrl0001] [--record-background]}, shared by
 * the commands that
 * stream through a session ({@code demo}, {@code ingest}): the session records every slot it publishes
 * into a replay log that {@code vyre replay} re-executes on other backends.
 */
final class RecordOptions {

    /** Records a log keeps by default (8 MiB as a full-image log). */
    static final long DEFAULT_CAPACITY = 65_536;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--record", paramLabel = "FILE",
            description = "record every published slot into a replay log at FILE (replaced if it exists); re-run it"
                    + " on other backends with `vyre replay FILE --backend NAME`")
    private Path file;

    @Option(names = "--record-capacity", paramLabel = "N",
            description = "with --record: how many of the newest slots the log keeps, 1..1048576 (default "
                    + DEFAULT_CAPACITY + ")")
    private Long capacity;

    @Option(names = "--record-format", paramLabel = "FORMAT",
            description = "with --record: full (whole slot images, VRRI0001; the default) or vrrl0001 (the"
                    + " wire-compatible format: 4 argument words per slot)")
    private String format;

    @Option(names = "--record-background",
            description = "with --record: queue the slots for a background thread that writes the log (costs the"
                    + " publisher less; a crash loses the slots still queued)")
    private boolean background;

    private ReplayLogOptions checked;

    /**
     * Refuses bad values with a usage error before anything is opened.
     *
     * @return the replay log the session records into, or null without {@code --record}
     */
    ReplayLogOptions check() {
        if (checked != null) {
            return checked;
        }
        if (file == null) {
            for (String option : new String[] {"--record-capacity", "--record-format", "--record-background"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw UsageErrorHandler.error(spec, option + " applies with --record only",
                            "add --record FILE, or drop " + option);
                }
            }
            return null;
        }
        long n = capacity == null ? DEFAULT_CAPACITY : capacity;
        if (n < 1 || n > ReplayLog.MAX_CAPACITY) {
            throw UsageErrorHandler.error(spec, "--record-capacity " + n + " is outside 1.." + ReplayLog.MAX_CAPACITY,
                    "pass a record count in that range, e.g. --record-capacity " + DEFAULT_CAPACITY);
        }
        ReplayLogFormat f = switch (format == null ? "full" : format.trim().toLowerCase(Locale.ROOT)) {
            case "full", "vrri0001" -> ReplayLogFormat.FULL_IMAGE;
            case "vrrl0001", "vrrl" -> ReplayLogFormat.VRRL0001;
            default -> throw UsageErrorHandler.error(spec, "--record-format " + format + " is not full or vrrl0001",
                    "pass --record-format full (whole slot images) or vrrl0001 (the wire-compatible format)");
        };
        OutputFile.check(spec, "--record", file, "build/run.vrri");
        checked = new ReplayLogOptions(file, n, f, background);
        return checked;
    }

    /** @return the line that says where the log is, or null without {@code --record} */
    String summary() {
        if (file == null) {
            return null;
        }
        try (ReplayLog log = ReplayLog.read(file)) {
            return String.format(Locale.ROOT, "  replay log written to %s (%s, the newest %s of the published slots,"
                    + " capacity %s); re-run it with `vyre replay %s --backend NAME`", file, log.format().magic(),
                    Formats.count(log.recordCount()), Formats.count(log.capacity()), file);
        }
    }
}
