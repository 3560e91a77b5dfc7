package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vyre ingest} of a real block device that cannot read its end: a loop device whose backing file
 * was truncated under it (the loop driver answers reads past the backing file's end with EIO). Each failed
 * range is one line with its offset, the errno and {@code Fix:}; the readable bytes are delivered and
 * verified; the run exits 1.
 */
class IngestBlockDeviceTest {

    @TempDir
    Path dir;

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(p.exitValue() == 0, String.join(" ", command) + " failed here: " + output);
        return output.strip();
    }

    @Test
    void everyUnreadableRangeIsOneLineWithItsOffsetAndTheRunFails() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "loop devices need root");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no /dev/loop-control (loop driver)");
        byte[] bytes = new byte[4 << 20];
        new Random(3).nextBytes(bytes);
        Path backing = Files.write(dir.resolve("backing.img"), bytes);
        String device = run("losetup", "--find", "--show", backing.toString());
        try {
            try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
                f.setLength(5L << 19); // 2.5 MiB: the device's last 1.5 MiB cannot be read
            }
            Cli.Run r = Cli.run("ingest", "--backend", "reference", "--chunk", "1M", "--slots", "4", "--no-direct",
                    device);
            assertEquals(1, r.exit(), r.both());
            String[] failed = r.err().lines().filter(l -> l.startsWith("  READ FAILED: ")).toArray(String[]::new);
            assertEquals(2, failed.length, r.both());
            java.util.Arrays.sort(failed);
            assertTrue(failed[0].contains(" of " + device + " bytes 2621440..3145727 (chunk 2) failed: EIO (errno 5,")
                    && Cli.count(failed[0], "Fix:") == 1, r.both());
            assertTrue(failed[1].contains(" of " + device + " bytes 3145728..4194303 (chunk 3) failed: EIO (errno 5,")
                    && Cli.count(failed[1], "Fix:") == 1, r.both());
            Matcher m = Pattern.compile(Pattern.quote(device) + ": 2,621,440 of 4,194,304 bytes, (\\d+) chunks, (\\d+) verified.*"
                    + "FAILED").matcher(r.out());
            assertTrue(m.find(), r.both());
            assertEquals("3", m.group(1), "chunks 0, 1 and the readable half of chunk 2: " + r.both());
            assertEquals("3", m.group(2), r.both());
            assertTrue(r.out().contains("2 chunks of " + device + " (1572864 of 4194304 bytes) could not be read, the"
                    + " first at byte 2621440 (EIO)"), r.both());
        } finally {
            run("losetup", "--detach", device);
        }
    }
}
