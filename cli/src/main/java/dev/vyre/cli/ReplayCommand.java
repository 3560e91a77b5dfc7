package dev.vyre.cli;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.conformance.JsonText;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.IoQueueLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import dev.vyre.protocol.replay.SessionGeometry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vyre replay LOG --backend B [--against A] [--report FILE.json]}: re-executes a replay log (recorded
 * by {@code vyre demo --record}, {@code vyre ingest --record} or {@code SessionOptions.replayLog}) epoch by
 * epoch on backend B and on A (the reference by default) and reports the first epoch, record, ring slot,
 * buffer and word where they differ, with both values, or "identical". Exit status 0 only when identical;
 * 1 for a divergence or a log that cannot be read (truncated, corrupt, wrong magic: one line with its fix);
 * 2 for a usage error.
 *
 * <p>Both sides start from a new session's buffers (host writes to the data buffer are not in the log: it
 * starts zeroed) and run in the same mode: persistent sessions when both backends run them, else one-pass
 * dispatches. With {@code --against-log LOG2} side A replays LOG2 instead (two recordings of one workload,
 * cut into the epochs of LOG).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-execute a replay log epoch by epoch on a backend and on the reference (or --against),"
                + " and report the first divergent epoch, slot, buffer and word with both values, or 'identical'.",
                "Exit status 0 only when identical."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  vyre demo --backend cuda --seconds 1 --record run.vrri",
            "  vyre replay run.vrri --backend vulkan",
            "  vyre replay run.vrri --backend cuda --against vulkan --report replay.json",
            "  vyre replay vyre-rust.vrrl --backend reference --slots 1024 --observable 2048"})
final class ReplayCommand implements Callable<Integer> {

    /** Default observable words of a VRRL0001 replay (the format does not record the geometry). */
    static final int DEFAULT_OBSERVABLE = 4096;
    /** How long a LOAD_MISS waits: nobody serves IO during a replay, so it FAULTs on both sides. */
    static final Duration IO_WAIT = Duration.ofMillis(10);

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private VyreCommand parent;

    @Parameters(index = "0", paramLabel = "LOG", description = "the replay log (VRRI0001 full-image or VRRL0001)")
    private Path log;

    @Option(names = "--backend", required = true, paramLabel = "NAME", description = "backend under test")
    private String backend;

    /** The device of {@code --backend}; {@code --against} runs on its backend's default device. */
    @Mixin
    private DeviceOption device;

    @Option(names = "--against", defaultValue = "reference", paramLabel = "NAME",
            description = "backend to compare with (default ${DEFAULT-VALUE})")
    private String against;

    @Option(names = "--against-log", paramLabel = "LOG2",
            description = "replay LOG2 on the --against side instead of LOG (two recordings of one workload)")
    private Path againstLog;

    @Option(names = "--report", paramLabel = "FILE.json", description = "write the result as JSON")
    private Path report;

    @Option(names = "--mode", defaultValue = "auto", paramLabel = "MODE",
            description = "persistent, one-pass, or auto: persistent when both backends run sessions (default)")
    private String mode;

    @Option(names = "--window", defaultValue = "256", paramLabel = "N",
            description = "records per epoch for a log without BATCH_FENCE epochs, 1..1048576 (default ${DEFAULT-VALUE})")
    private int window;

    @Option(names = "--slot-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "how long one slot may take before it counts as not run, > 0 (default ${DEFAULT-VALUE})")
    private double slotTimeout;

    @Option(names = "--slots", paramLabel = "N",
            description = "VRRL0001 only: ring slots (default: the highest recorded slot + 1)")
    private Integer slots;

    @Option(names = "--tenants", paramLabel = "N",
            description = "VRRL0001 only: tenants the control buffer authorises (default: the highest recorded tenant + 1)")
    private Integer tenants;

    @Option(names = "--observable", paramLabel = "N",
            description = "VRRL0001 only: observable words, 0..1048576 (default " + DEFAULT_OBSERVABLE + ")")
    private Integer observable;

    @Option(names = "--data-bytes", paramLabel = "BYTES", converter = ByteCount.class,
            description = "VRRL0001 only: data buffer bytes (default 0)")
    private Long dataBytes;

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Loaded main = load(log);
        SessionGeometry geometry = geometry(main);
        List<ReplayRecord> againstRecords = main.records;
        if (againstLog != null) {
            Loaded other = load(againstLog);
            if (other.records.size() != main.records.size() || other.format != main.format
                    || (main.geometry != null && !main.geometry.equals(other.geometry))) {
                throw new CliFailure("--against-log " + againstLog + " (" + other.format.magic() + ", "
                        + other.records.size() + " records) does not have the shape of " + log + " ("
                        + main.format.magic() + ", " + main.records.size() + " records)", "compare two recordings of"
                        + " one workload, of the same format, length and session geometry");
            }
            againstRecords = other.records;
            checkSlots(againstLog, againstRecords, geometry);
        }
        ReplayPlan plan = ReplayPlan.of(main.records, window);
        out.printf("vyre replay: %s (%s, %s records of a %s-slot ring, %s %s)%n", log, main.format.magic(),
                Formats.count(main.records.size()), Formats.count(geometry.slotCount()), Formats.count(plan.epochs()),
                plan.describe());
        if (main.geometry == null) {
            out.printf("  geometry (VRRL0001 does not record it): %s slots, %s tenants, %s observable words, %s data"
                    + " bytes; VRRL0001 keeps argument words 0..3, the rest replay as 0%n",
                    Formats.count(geometry.slotCount()), Formats.count(geometry.tenantCount()),
                    Formats.count(geometry.observableSlots()), Formats.count(geometry.dataBufferBytes()));
        }
        String mismatch = againstLog == null ? null : firstInputDifference(main.records, againstRecords);
        out.flush();
        try (Vyre b = open(backend, "--backend"); Vyre a = open(against, "--against")) {
            boolean persistent = persistent(b, a);
            Duration bound = Duration.ofNanos((long) (slotTimeout * 1e9));
            Replayer replayer = new Replayer(plan, main.records, againstRecords, () -> side(b, geometry, persistent,
                    bound), () -> side(a, geometry, persistent, bound), stateBytes(geometry),
                    (long) geometry.slotCount() * SlotLayout.SLOT_BYTES);
            String modeName = persistent ? "persistent" : "one-pass";
            out.printf("  %s on %s against %s on %s, %s%s%n", b.name(), b.device().name(), a.name(),
                    a.device().name(), modeName, againstLog == null ? "" : "; " + a.name() + " replays " + againstLog);
            if (mismatch != null) {
                out.printf("  note: the two logs differ first at %s%n", mismatch);
            }
            out.flush();
            long t0 = System.nanoTime();
            Replayer.Outcome outcome = replayer.run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (outcome.stallsBackend() + outcome.stallsAgainst() > 0) {
                out.printf("  note: %s records on %s and %s on %s did not finish within %s s; they were compared as"
                        + " they stood%n", Formats.count(outcome.stallsBackend()), b.name(),
                        Formats.count(outcome.stallsAgainst()), a.name(), slotTimeout);
            }
            if (report != null) {
                Files.writeString(report, json(main, geometry, plan, b, a, modeName, outcome, mismatch),
                        StandardCharsets.UTF_8);
            }
            Replayer.Divergence d = outcome.divergence();
            if (d == null) {
                String every = outcome.stride() == 1 ? "every epoch" : "every " + outcome.stride() + " epochs";
                out.printf("  identical: %s records in %s epochs; %s (%s)%n", Formats.count(main.records.size()),
                        Formats.count(plan.epochs()), outcome.fullStride() == outcome.stride()
                                ? "ring, control, debug log, IO queue and data agree after " + every
                                : "control, debug log, IO queue and the ring slots that ran agree after " + every
                                + "; every buffer whole after every " + outcome.fullStride() + " epochs and at the end",
                        Formats.seconds(seconds));
                if (report != null) {
                    out.printf("  report written to %s%n", report);
                }
                out.flush();
                return 0;
            }
            String where = where(d, plan, main.records);
            ReplayDifference diff = d.difference();
            String sideB = b.name().equals(a.name()) ? b.name() + " (--backend)" : b.name();
            String sideA = b.name().equals(a.name()) ? a.name() + " (--against)" : a.name();
            out.printf("  DIVERGENT at %s:%n    %s word %d (%s): %s %s, %s %s%n", where, diff.buffer(), diff.word(),
                    diff.where(), sideB, diff.value(diff.backendValue()), sideA, diff.value(diff.againstValue()));
            if (report != null) {
                out.printf("  report written to %s%n", report);
            }
            out.flush();
            throw new CliFailure("backend '" + b.name() + "' diverges from '" + a.name() + "' at " + where + ": "
                    + diff.buffer() + " word " + diff.word() + " (" + diff.where() + ") is " + diff.backendValue()
                    + " on " + sideB + " and " + diff.againstValue() + " on " + sideA, againstLog != null
                    ? "the two logs published different slots; compare them from the record named" : "run `vyre conform"
                    + " --backend " + b.name() + "` to find the failing case, and report it with this log");
        }
    }

    // ------------------------------------------------------------------ arguments

    /** Checks every argument that needs no file or backend. */
    private void validate() {
        mode = mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "persistent", "one-pass").contains(mode)) {
            throw UsageErrorHandler.error(spec, "--mode " + mode + " is not one of auto, persistent, one-pass",
                    "pass --mode auto (the default), persistent or one-pass");
        }
        if (window < 1 || window > ReplayLog.MAX_CAPACITY) {
            throw UsageErrorHandler.error(spec, "--window " + window + " is outside 1.." + ReplayLog.MAX_CAPACITY,
                    "pass a window size in that range, e.g. --window 256");
        }
        if (!(slotTimeout > 0) || slotTimeout > 86_400) {
            throw UsageErrorHandler.error(spec, "--slot-timeout " + slotTimeout + " is not in (0, 86400] seconds",
                    "pass a positive number of seconds, e.g. --slot-timeout 10");
        }
        if (slots != null && (slots < 1 || slots > SessionGeometry.MAX)) {
            throw UsageErrorHandler.error(spec, "--slots " + slots + " is outside 1.." + SessionGeometry.MAX,
                    "pass the recorded session's ring size");
        }
        if (tenants != null && tenants < 0) {
            throw UsageErrorHandler.error(spec, "--tenants " + tenants + " is negative", "pass 0 or more tenants");
        }
        if (observable != null && (observable < 0 || observable > SessionGeometry.MAX)) {
            throw UsageErrorHandler.error(spec, "--observable " + observable + " is outside 0.." + SessionGeometry.MAX,
                    "pass the recorded session's observable word count");
        }
        if (dataBytes != null && dataBytes < 0) {
            throw UsageErrorHandler.error(spec, "--data-bytes " + dataBytes + " is negative",
                    "pass 0 or a byte count");
        }
        for (Path p : againstLog == null ? List.of(log) : List.of(log, againstLog)) {
            if (!Files.isRegularFile(p)) {
                throw UsageErrorHandler.error(spec, (p == log ? "LOG " : "--against-log ") + p + (Files.exists(p)
                        ? " is not a regular file" : " does not exist"), "pass a replay log recorded with"
                        + " `vyre demo --record FILE` (or SessionOptions.replayLog)");
            }
        }
        if (report != null) {
            OutputFile.check(spec, "--report", report, "build/replay.json");
        }
        known(backend, "--backend");
        known(against, "--against");
        device.check(backend.trim().toLowerCase(Locale.ROOT));
    }

    private void known(String name, String option) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        List<BackendInfo> found = Vyre.backends();
        if (found.stream().noneMatch(b -> b.name().equals(wanted))) {
            throw UsageErrorHandler.error(spec, "no backend named '" + name + "' is on the class path (found: "
                    + String.join(", ", found.stream().map(BackendInfo::name).toList()) + ")", "pass one of those"
                    + " names to " + option + ", or run `vyre backends`");
        }
    }

    private record Loaded(ReplayLogFormat format, SessionGeometry geometry, List<ReplayRecord> records) {
    }

    /** Reads a log; a truncated, corrupt or foreign file is a {@code ReplayLogException} with its fix. */
    private static Loaded load(Path file) {
        try (ReplayLog l = ReplayLog.read(file)) {
            List<ReplayRecord> records = l.records();
            if (records.isEmpty()) {
                throw new CliFailure("replay log " + file + " holds no record", "record a run into it first, e.g."
                        + " `vyre demo --record " + file + "`");
            }
            return new Loaded(l.format(), l.geometry().orElse(null), records);
        }
    }

    /** @return the recorded geometry, or for VRRL0001 the one the options and the records give */
    private SessionGeometry geometry(Loaded main) {
        SessionGeometry g;
        if (main.geometry != null) {
            for (String option : new String[] {"--slots", "--tenants", "--observable", "--data-bytes"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw UsageErrorHandler.error(spec, option + " applies to VRRL0001 logs only; " + log
                            + " records its session's geometry", "drop " + option);
                }
            }
            g = main.geometry;
        } else {
            int highSlot = 0;
            int highTenant = 0;
            for (ReplayRecord r : main.records) {
                highSlot = Math.max(highSlot, r.slotIndex());
                if (r.tenantId() >= 0 && r.tenantId() < ControlLayout.TENANT_MASK_SLOTS) {
                    highTenant = Math.max(highTenant, r.tenantId());
                }
            }
            if (highSlot >= SessionGeometry.MAX) {
                throw new CliFailure("replay log " + log + " names ring slot " + highSlot + ", beyond the largest"
                        + " ring of " + SessionGeometry.MAX + " slots", "the log is corrupt; record a new one");
            }
            g = new SessionGeometry(slots != null ? slots : highSlot + 1, tenants != null ? tenants : highTenant + 1,
                    observable != null ? observable : DEFAULT_OBSERVABLE, dataBytes != null ? dataBytes : 0);
        }
        checkSlots(log, main.records, g);
        return g;
    }

    private void checkSlots(Path file, List<ReplayRecord> records, SessionGeometry g) {
        for (ReplayRecord r : records) {
            if (r.slotIndex() < 0 || r.slotIndex() >= g.slotCount()) {
                throw UsageErrorHandler.error(spec, file + " records ring slot " + Integer.toUnsignedString(r.slotIndex())
                        + ", outside a ring of " + g.slotCount() + " slots", "pass --slots with the recorded ring"
                        + " size (at least " + (Integer.toUnsignedLong(r.slotIndex()) + 1) + ")");
            }
        }
    }

    // ------------------------------------------------------------------ backends

    private Vyre open(String name, String option) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (BackendInfo info : Vyre.backends()) {
            if (info.name().equals(wanted) && !info.available()) {
                throw new CliFailure(option + " " + wanted + ": backend '" + wanted + "' cannot run here: "
                        + BackendChoice.withoutFix(info.reason()), BackendChoice.fixOf(info.reason(),
                        "run `vyre backends` and pick an available backend"));
            }
        }
        return option.equals("--backend") ? device.open(wanted) : Vyre.open(wanted);
    }

    private boolean persistent(Vyre b, Vyre a) {
        boolean both = b.features().persistent() && a.features().persistent();
        if (mode.equals("persistent") && !both) {
            Vyre onePass = b.features().persistent() ? a : b;
            throw new CliFailure("--mode persistent: backend '" + onePass.name() + "' on " + onePass.device().name()
                    + " runs one-pass dispatches only", "use --mode one-pass or --mode auto");
        }
        return mode.equals("persistent") || (mode.equals("auto") && both);
    }

    private static ReplayTarget side(Vyre vyre, SessionGeometry g, boolean persistent, Duration bound) {
        return persistent ? new SessionReplayTarget(vyre, g, IO_WAIT, bound) : new OnePassReplayTarget(vyre, g, IO_WAIT);
    }

    private static long stateBytes(SessionGeometry g) {
        return (ControlLayout.OBSERVABLE_BASE + (long) g.observableSlots()) * Integer.BYTES
                + (long) g.slotCount() * SlotLayout.SLOT_BYTES + DebugLogLayout.BUFFER_BYTES
                + (long) IoQueueLayout.IO_SLOT_COUNT * IoQueueLayout.IO_SLOT_BYTES + g.dataBufferBytes();
    }

    // ------------------------------------------------------------------ output

    /** @return e.g. {@code epoch 12 (recorded epoch 57), record 83 (ring slot 17, ATOMIC_ADD tenant 0 [5, 177, 0])} */
    private static String where(Replayer.Divergence d, ReplayPlan plan, List<ReplayRecord> records) {
        if (d.record() < 0) {
            return "epochs " + d.epoch() + ".." + d.lastEpoch() + " (records " + plan.from(d.epoch()) + ".."
                    + (plan.to(d.lastEpoch()) - 1) + "; no single record reproduces it when they run one at a time:"
                    + " the difference depends on the order the slots of an epoch ran in)";
        }
        ReplayRecord r = d.backendRecord();
        return "epoch " + d.epoch() + (plan.byFence() ? " (recorded epoch " + Integer.toUnsignedString(r.epoch()) + ")"
                : "") + ", record " + d.record() + " (ring slot " + d.slot() + ": " + opcodeName(r.opcode())
                + " tenant " + Integer.toUnsignedString(r.tenantId()) + " args " + unsigned(r.args()) + ")";
    }

    /** @return {@code [a, b, ...]} with each word as an unsigned decimal */
    static String unsigned(int[] words) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < words.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Integer.toUnsignedString(words[i]));
        }
        return sb.append(']').toString();
    }

    static String opcodeName(int opcode) {
        return switch (opcode) {
            case Opcodes.NOP -> "NOP";
            case Opcodes.STORE_U32 -> "STORE_U32";
            case Opcodes.ATOMIC_ADD -> "ATOMIC_ADD";
            case Opcodes.LOAD_U32 -> "LOAD_U32";
            case Opcodes.COMPARE_SWAP -> "COMPARE_SWAP";
            case Opcodes.MEMCPY -> "MEMCPY";
            case Opcodes.DFA_STEP -> "DFA_STEP";
            case Opcodes.BATCH_FENCE -> "BATCH_FENCE";
            case Opcodes.CRC32C -> "CRC32C";
            case Opcodes.LOAD_MISS -> "LOAD_MISS";
            case Opcodes.PRINTF -> "PRINTF";
            case Opcodes.PACKED_SLOT -> "PACKED_SLOT";
            case Opcodes.SHUTDOWN -> "SHUTDOWN";
            default -> "opcode 0x" + Integer.toHexString(opcode);
        };
    }

    /** @return where two logs' records first differ, or null when they are the same slots */
    private static String firstInputDifference(List<ReplayRecord> a, List<ReplayRecord> b) {
        for (int i = 0; i < a.size(); i++) {
            ReplayRecord x = a.get(i);
            ReplayRecord y = b.get(i);
            if (x.slotIndex() != y.slotIndex()) {
                return "record " + i + " (ring slot " + x.slotIndex() + " vs " + y.slotIndex() + ")";
            }
            for (int w = 0; w < SlotLayout.SLOT_WORDS; w++) {
                if (x.word(w) != y.word(w)) {
                    return "record " + i + " (ring slot " + x.slotIndex() + ", slot word " + w + ": "
                            + Integer.toUnsignedString(x.word(w)) + " vs " + Integer.toUnsignedString(y.word(w)) + ")";
                }
            }
        }
        return null;
    }

    private String json(Loaded main, SessionGeometry g, ReplayPlan plan, Vyre b, Vyre a, String modeName,
                        Replayer.Outcome outcome, String mismatch) {
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "log", log.toString()).append(",\n");
        field(sb, "format", main.format.magic()).append(",\n");
        sb.append("  \"records\": ").append(main.records.size()).append(",\n");
        sb.append("  \"geometry\": {\"slots\": ").append(g.slotCount()).append(", \"tenants\": ").append(g.tenantCount())
                .append(", \"observable\": ").append(g.observableSlots()).append(", \"dataBytes\": ")
                .append(g.dataBufferBytes()).append(", \"recorded\": ").append(main.geometry != null).append("},\n");
        sb.append("  \"epochs\": ").append(plan.epochs()).append(",\n");
        field(sb, "epochSource", plan.byFence() ? "BATCH_FENCE" : "window").append(",\n");
        sb.append("  \"checkEveryEpochs\": ").append(outcome.stride()).append(",\n");
        sb.append("  \"wholeCheckEveryEpochs\": ").append(outcome.fullStride()).append(",\n");
        field(sb, "backend", b.name()).append(",\n");
        field(sb, "backendDevice", b.device().name()).append(",\n");
        field(sb, "against", a.name()).append(",\n");
        field(sb, "againstDevice", a.device().name()).append(",\n");
        if (againstLog != null) {
            field(sb, "againstLog", againstLog.toString()).append(",\n");
            sb.append("  \"logsDifferAt\": ").append(mismatch == null ? "null" : JsonText.quote(mismatch)).append(",\n");
        }
        field(sb, "mode", modeName).append(",\n");
        sb.append("  \"stalls\": {\"backend\": ").append(outcome.stallsBackend()).append(", \"against\": ")
                .append(outcome.stallsAgainst()).append("},\n");
        Replayer.Divergence d = outcome.divergence();
        field(sb, "result", d == null ? "identical" : "divergent");
        if (d != null) {
            ReplayDifference diff = d.difference();
            sb.append(",\n  \"divergence\": {\"epoch\": ").append(d.epoch()).append(", \"lastEpoch\": ")
                    .append(d.lastEpoch()).append(", \"firstRecordOfEpoch\": ").append(plan.from(d.epoch()))
                    .append(", \"record\": ").append(d.record()).append(", \"slot\": ").append(d.slot());
            if (d.backendRecord() != null) {
                sb.append(", \"recordedEpoch\": ").append(Integer.toUnsignedLong(d.backendRecord().epoch()))
                        .append(", \"sequence\": ").append(d.backendRecord().sequence())
                        .append(", \"opcode\": ").append(JsonText.quote(opcodeName(d.backendRecord().opcode())))
                        .append(", \"image\": ").append(unsigned(d.backendRecord().image()));
            }
            sb.append(", \"buffer\": ").append(JsonText.quote(diff.buffer())).append(", \"word\": ").append(diff.word())
                    .append(", \"what\": ").append(JsonText.quote(diff.where())).append(", \"backendValue\": ")
                    .append(diff.backendValue()).append(", \"againstValue\": ").append(diff.againstValue()).append('}');
        }
        return sb.append("\n}\n").toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        return sb.append("  ").append(JsonText.quote(name)).append(": ").append(JsonText.quote(value));
    }

}
