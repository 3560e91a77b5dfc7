package dev.vyre.cli;

import static dev.vyre.cli.Cli.assertOneLineError;
import static dev.vyre.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.replay.ReplayLog;
import dev.vyre.protocol.replay.ReplayLogFormat;
import dev.vyre.protocol.replay.ReplayRecord;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vyre replay} and {@code --record}: logs recorded by {@code vyre demo --record} replay identical on
 * the reference (persistent and one-pass) and on Vulkan (lavapipe: one-pass); a backend that computes one
 * slot wrong and a log with one slot image changed by hand ({@code replay/} test data, see its README) are
 * reported at exactly that record and ring slot; unreadable logs and bad arguments are one line with a fix.
 */
class ReplayCommandTest {

    @TempDir
    Path dir;

    /** The record, slot and control word of the hand-changed slot (see src/test/resources/replay/README.md). */
    private static final int RECORD = 102;
    private static final int SLOT = 18;
    private static final int WORD = 517;
    private static final long ORIGINAL_WORD = 2_069_537_824L;

    private static Path fixture(String name) {
        try {
            return Path.of(ReplayCommandTest.class.getResource("/replay/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static void assumeVulkan() {
        BackendInfo vulkan = Vyre.backends().stream().filter(b -> b.name().equals("vulkan")).findFirst().orElse(null);
        Assumptions.assumeTrue(vulkan != null && vulkan.available(), () -> "no Vulkan device here: "
                + (vulkan == null ? "no provider" : vulkan.reason()));
    }

    private static String json(Path report) throws Exception {
        return Files.readString(report, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ identical

    @Test
    void theRecordedDemoReplaysIdenticalOnTheReferenceInBothModes() {
        String log = fixture("demo-32.vrri").toString();
        Cli.Run persistent = run("replay", log, "--backend", "reference");
        assertEquals(0, persistent.exit(), persistent.both());
        assertTrue(persistent.out().contains("(VRRI0001, 256 records of a 32-slot ring, 40 BATCH_FENCE epochs)"),
                persistent.out());
        assertTrue(persistent.out().contains("persistent") && persistent.out().contains("identical: 256 records in 40"
                + " epochs; ring, control, debug log, IO queue and data agree after every epoch"), persistent.out());
        assertEquals("", persistent.err());
        Cli.Run onePass = run("replay", log, "--backend", "reference", "--mode", "one-pass");
        assertEquals(0, onePass.exit(), onePass.both());
        assertTrue(onePass.out().contains("one-pass") && onePass.out().contains("identical: 256 records"), onePass.out());
    }

    @Test
    void theRecordedDemoReplaysIdenticalOnVulkan() throws Exception {
        assumeVulkan();
        Path report = dir.resolve("vulkan.json");
        Cli.Run r = run("replay", fixture("demo-32.vrri").toString(), "--backend", "vulkan", "--report",
                report.toString());
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("identical: 256 records in 40 epochs"), r.out());
        String j = json(report);
        assertTrue(j.contains("\"result\": \"identical\"") && j.contains("\"backend\": \"vulkan\"")
                && j.contains("\"against\": \"reference\"") && j.contains("\"epochSource\": \"BATCH_FENCE\""), j);
    }

    @Test
    void aFreshDemoRecordingReplaysIdenticalOnTheReferenceAndOnVulkan() {
        Path log = dir.resolve("run.vrri");
        Cli.Run demo = run("demo", "--backend", "reference", "--slots", "24", "--seconds", "0.2", "--record",
                log.toString(), "--record-capacity", "600");
        assertEquals(0, demo.exit(), demo.both());
        assertTrue(demo.out().contains("replay log written to " + log + " (VRRI0001"), demo.out());
        try (ReplayLog l = ReplayLog.read(log)) {
            List<ReplayRecord> records = l.records();
            assertFalse(records.isEmpty());
            assertTrue(records.stream().anyMatch(rec -> rec.opcode() == Opcodes.PACKED_SLOT && rec.word(9) != 0),
                    "packed slots keep argument words past the fourth");
            assertTrue(records.get(records.size() - 1).epoch() > records.get(0).epoch(), "fences advance the epoch");
        }
        Cli.Run reference = run("replay", log.toString(), "--backend", "reference");
        assertEquals(0, reference.exit(), reference.both());
        assertTrue(reference.out().contains("identical:"), reference.out());
        Path queued = dir.resolve("queued.vrri");
        Cli.Run background = run("demo", "--backend", "reference", "--slots", "24", "--seconds", "0.2", "--record",
                queued.toString(), "--record-capacity", "600", "--record-background");
        assertEquals(0, background.exit(), background.both());
        try (ReplayLog l = ReplayLog.read(queued)) {
            List<ReplayRecord> records = l.records();
            assertEquals(Math.min(600, records.get(records.size() - 1).sequence() + 1), records.size(),
                    "the background recorder wrote every queued slot before the session closed");
        }
        assertEquals(0, run("replay", queued.toString(), "--backend", "reference").exit());
        if (Vyre.backends().stream().anyMatch(b -> b.name().equals("vulkan") && b.available())) {
            Cli.Run vulkan = run("replay", log.toString(), "--backend", "vulkan");
            assertEquals(0, vulkan.exit(), vulkan.both());
            assertTrue(vulkan.out().contains("identical:"), vulkan.out());
        }
    }

    @Test
    void aVrrl0001RecordingReplaysWithTheGeometryItInfers() {
        Path log = dir.resolve("run.vrrl");
        Cli.Run demo = run("demo", "--backend", "reference", "--slots", "16", "--seconds", "0.2", "--record",
                log.toString(), "--record-format", "vrrl0001", "--record-capacity", "300");
        assertEquals(0, demo.exit(), demo.both());
        try (ReplayLog l = ReplayLog.read(log)) {
            assertEquals(ReplayLogFormat.VRRL0001, l.format());
        }
        Cli.Run r = run("replay", log.toString(), "--backend", "reference", "--observable", "1000");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("geometry (VRRL0001 does not record it): 16 slots, 1 tenants, 1,000 observable"
                + " words"), r.out());
        assertTrue(r.out().contains("identical:"), r.out());
    }

    @Test
    void anIngestRecordingHoldsItsCrcSlotsAndReplaysIdentical() throws Exception {
        Path data = dir.resolve("data.bin");
        byte[] bytes = new byte[40_000];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(data, bytes);
        Path log = dir.resolve("ingest.vrri");
        Cli.Run ingest = run("ingest", "--backend", "reference", "--chunk", "4096", "--slots", "4", "--record",
                log.toString(), data.toString());
        assertEquals(0, ingest.exit(), ingest.both());
        assertTrue(ingest.out().contains("replay log written to " + log) && ingest.out().contains("zeroed data buffer"),
                ingest.out());
        try (ReplayLog l = ReplayLog.read(log)) {
            assertEquals(10, l.records().stream().filter(rec -> rec.opcode() == Opcodes.CRC32C).count(),
                    "one CRC32C slot per 4 KiB chunk of 40,000 bytes");
            assertEquals(4L * 4096, l.geometry().orElseThrow().dataBufferBytes());
        }
        Cli.Run r = run("replay", log.toString(), "--backend", "reference");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("identical: 10 records"), r.out());
    }

    // ------------------------------------------------------------------ divergent

    @Test
    void aBackendThatComputesOneSlotWrongIsReportedAtExactlyThatRecordAndSlot() throws Exception {
        Path report = dir.resolve("skewed.json");
        Cli.Run r = run("replay", fixture("demo-32.vrri").toString(), "--backend", SkewedTestProvider.NAME,
                "--report", report.toString());
        assertOneLineError(r, 1, "vyre replay");
        assertTrue(r.out().contains("one-pass"), "a one-pass backend replays against a one-pass reference: " + r.out());
        assertTrue(r.out().contains("DIVERGENT at epoch 16 (recorded epoch 173), record " + RECORD + " (ring slot "
                + SLOT + ": ATOMIC_ADD tenant 0 args [" + Integer.toUnsignedString(SkewedTestProvider.SKEWED_INCREMENT)
                + ", 517,"), r.out());
        assertTrue(r.out().contains("control word " + WORD + " (observable " + (WORD - 160) + "): test-skewed 0x"
                + Long.toHexString(ORIGINAL_WORD + 1)), r.out());
        assertTrue(r.err().contains("backend 'test-skewed' diverges from 'reference'") && r.err().contains(
                "is " + (ORIGINAL_WORD + 1) + " on test-skewed and " + ORIGINAL_WORD + " on reference"), r.err());
        String j = json(report);
        assertTrue(j.contains("\"result\": \"divergent\"") && j.contains("\"record\": " + RECORD + ", \"slot\": "
                + SLOT) && j.contains("\"buffer\": \"control\", \"word\": " + WORD) && j.contains("\"backendValue\": "
                + (ORIGINAL_WORD + 1) + ", \"againstValue\": " + ORIGINAL_WORD) && j.contains("\"sequence\": 1106"), j);
    }

    @Test
    void aLogWithOneSlotImageChangedByHandIsReportedAtExactlyThatSlot() throws Exception {
        Path report = dir.resolve("mutated.json");
        String mutated = fixture("demo-32-slot18-mutated.vrri").toString();
        String original = fixture("demo-32.vrri").toString();
        Cli.Run r = run("replay", mutated, "--backend", "reference", "--against-log", original, "--report",
                report.toString());
        assertOneLineError(r, 1, "vyre replay");
        assertTrue(r.out().contains("note: the two logs differ first at record " + RECORD + " (ring slot " + SLOT
                + ", slot word 4: 204070802 vs 204070801)"), r.out());
        assertTrue(r.out().contains("DIVERGENT at epoch 16 (recorded epoch 173), record " + RECORD + " (ring slot "
                + SLOT + ": ATOMIC_ADD"), r.out());
        assertTrue(r.out().contains("control word " + WORD + " (observable 357): reference (--backend) 0x7b5aa421 ("
                + (ORIGINAL_WORD + 1) + "), reference (--against) 0x7b5aa420 (" + ORIGINAL_WORD + ")"), r.out());
        String j = json(report);
        assertTrue(j.contains("\"record\": " + RECORD + ", \"slot\": " + SLOT) && j.contains("\"word\": " + WORD)
                && j.contains("\"logsDifferAt\": \"record 102"), j);
        Cli.Run same = run("replay", mutated, "--backend", "reference", "--against-log", mutated);
        assertEquals(0, same.exit(), same.both());
    }

    // ------------------------------------------------------------------ unreadable logs

    private Path copyOfFixture(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.copy(fixture("demo-32.vrri"), p);
        return p;
    }

    @Test
    void aTruncatedLogIsOneLineWithAFix() throws Exception {
        Path p = copyOfFixture("truncated.vrri");
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 100));
        Cli.Run r = run("replay", p.toString(), "--backend", "reference");
        assertOneLineError(r, 1, "vyre replay");
        assertTrue(r.err().contains("is truncated: 32732 bytes, but its 256 records need 32832"), r.err());
        assertTrue(r.err().contains("Fix: the file was cut short"), r.err());
    }

    @Test
    void aWrongMagicIsOneLineWithAFix() throws Exception {
        Path p = copyOfFixture("magic.vrri");
        byte[] b = Files.readAllBytes(p);
        System.arraycopy("NOTALOG!".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 8);
        Files.write(p, b);
        Cli.Run r = run("replay", p.toString(), "--backend", "reference");
        assertOneLineError(r, 1, "vyre replay");
        assertTrue(r.err().contains("has magic 'NOTALOG!', which is neither VRRL0001 nor VRRI0001"), r.err());
    }

    @Test
    void aCorruptRecordIsOneLineWithAFix() throws Exception {
        Path p = copyOfFixture("corrupt.vrri");
        byte[] b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(64 + 128 * 5, 0x12345678);
        Files.write(p, b);
        Cli.Run r = run("replay", p.toString(), "--backend", "reference");
        assertOneLineError(r, 1, "vyre replay");
        assertTrue(r.err().contains("record 5 (file offset 704) has magic 0x12345678"), r.err());
        byte[] c = Files.readAllBytes(fixture("demo-32.vrri"));
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 128 * 7 + 16, 5);
        Files.write(p, c);
        Cli.Run seq = run("replay", p.toString(), "--backend", "reference");
        assertOneLineError(seq, 1, "vyre replay");
        assertTrue(seq.err().contains("has sequence number 5 where"), seq.err());
    }

    @Test
    void anEmptyLogIsOneLineWithAFix() {
        Path p = dir.resolve("empty.vrrl");
        ReplayLog.open(p, 4).close();
        Cli.Run r = run("replay", p.toString(), "--backend", "reference");
        assertOneLineError(r, 1, "vyre replay");
        assertTrue(r.err().contains("holds no record"), r.err());
    }

    // ------------------------------------------------------------------ usage errors

    @Test
    void badArgumentsAreUsageErrorsBeforeAnyWork() {
        String log = fixture("demo-32.vrri").toString();
        Object[][] cases = {
            {new String[] {"replay", dir.resolve("missing.vrri").toString(), "--backend", "reference"}, "does not exist"},
            {new String[] {"replay", log}, "--backend"},
            {new String[] {"replay", log, "--backend", "nosuch"}, "no backend named 'nosuch'"},
            {new String[] {"replay", log, "--backend", "reference", "--against", "nosuch"}, "no backend named 'nosuch'"},
            {new String[] {"replay", log, "--backend", "reference", "--mode", "fast"}, "--mode fast"},
            {new String[] {"replay", log, "--backend", "reference", "--window", "0"}, "--window 0"},
            {new String[] {"replay", log, "--backend", "reference", "--slot-timeout", "0"}, "--slot-timeout"},
            {new String[] {"replay", log, "--backend", "reference", "--slots", "64"}, "--slots applies to VRRL0001"},
            {new String[] {"replay", log, "--backend", "reference", "--report", dir.toString()}, "is a directory"},
        };
        for (Object[] c : cases) {
            Cli.Run r = run((String[]) c[0]);
            assertOneLineError(r, 2, "vyre replay");
            assertTrue(r.err().contains((String) c[1]), r.both());
            assertFalse(r.out().contains("identical") || r.out().contains("DIVERGENT"), r.both());
        }
    }

    @Test
    void recordOptionsAreCheckedBeforeTheDemoRuns() {
        Object[][] cases = {
            {new String[] {"demo", "--record-capacity", "10"}, "--record-capacity applies with --record only"},
            {new String[] {"demo", "--record-background"}, "--record-background applies with --record only"},
            {new String[] {"demo", "--record", dir.resolve("x").toString(), "--record-capacity", "0"},
                "--record-capacity 0 is outside 1..1048576"},
            {new String[] {"demo", "--record", dir.resolve("x").toString(), "--record-format", "csv"},
                "--record-format csv"},
            {new String[] {"demo", "--record", dir.toString()}, "is a directory"},
        };
        for (Object[] c : cases) {
            Cli.Run r = run((String[]) c[0]);
            assertOneLineError(r, 2, "vyre demo");
            assertTrue(r.err().contains((String) c[1]), r.both());
            assertEquals("", r.out(), r.both());
        }
    }
}
