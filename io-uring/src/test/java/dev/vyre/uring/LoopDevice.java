package dev.vyre.uring;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real loop block device ({@code losetup}) over a backing file, and the one way found here to make it
 * fail reads with EIO without device-mapper: truncate the backing file while the device stays attached.
 * The loop driver then ends every read of a sector past the backing file's new end with
 * {@code BLK_STS_IOERR} (EIO), and a read that got part of its bytes returns them first. Sectors still in
 * the device's page cache keep reading: dropping the cache of chosen ranges before the truncation
 * ({@code posix_fadvise DONTNEED}) makes exactly those ranges fail, in the middle of the device.
 *
 * <p>Needs root, {@code /dev/loop-control} and {@code losetup}; {@link #assumeAvailable} skips with the reason
 * otherwise.
 */
final class LoopDevice implements AutoCloseable {

    private static final int POSIX_FADV_DONTNEED = 4;
    private static final MethodHandle FADVISE = Linker.nativeLinker().defaultLookup().find("posix_fadvise")
            .map(s -> Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
            .orElseThrow();

    final Path backing;
    final Path device;
    final byte[] contents;
    /**
     * Held open from attach to detach: the kernel drops a block device's page cache when its last opener
     * closes it, so without it the cached ranges would fail too.
     */
    private final int holder;

    private LoopDevice(Path backing, Path device, byte[] contents) {
        this.backing = backing;
        this.device = device;
        this.contents = contents;
        this.holder = NativeFiles.openRead(device, false);
    }

    /** Skips the calling test, with the reason, when loop devices cannot be set up here. */
    static void assumeAvailable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "loop devices need root");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no /dev/loop-control (loop driver)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup"))
                || Files.isExecutable(Path.of("/sbin/losetup")), "no losetup");
    }

    /** Attaches a loop device over a new backing file holding {@code contents}. */
    static LoopDevice attach(Path dir, byte[] contents) throws Exception {
        Path backing = Files.write(dir.resolve("backing.img"), contents);
        Run r = run("losetup", "--find", "--show", backing.toString());
        Assumptions.assumeTrue(r.exit == 0, "losetup --find --show failed: " + r.output);
        return new LoopDevice(backing, Path.of(r.output.strip()), contents);
    }

    /**
     * Reads the whole device through its page cache, drops the cache of {@code [from, from + length)} for each
     * pair in {@code dropped}, then truncates the backing file to {@code keep} bytes: from then on, reads of
     * sectors past {@code keep} that are not cached fail with EIO.
     */
    void failUncachedBeyond(long keep, long... dropped) throws Throwable {
        int fd = holder;
        {
            byte[] all = Files.readAllBytes(device); // warms the device's page cache
            if (all.length != contents.length) {
                throw new AssertionError("the device holds " + all.length + " bytes, not " + contents.length);
            }
            for (int i = 0; i < dropped.length; i += 2) {
                int rc = (int) FADVISE.invokeExact(fd, dropped[i], dropped[i + 1], POSIX_FADV_DONTNEED);
                if (rc != 0) {
                    throw new AssertionError("posix_fadvise(DONTNEED) returned " + rc);
                }
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(keep);
        }
    }

    @Override
    public void close() throws Exception {
        NativeFiles.close(holder);
        Run r = run("losetup", "--detach", device.toString());
        if (r.exit != 0) {
            throw new AssertionError("losetup --detach " + device + " failed: " + r.output);
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, String.join(" ", command) + " timed out");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
