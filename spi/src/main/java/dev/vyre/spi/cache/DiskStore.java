package dev.vyre.spi.cache;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The disk store: one file per key, {@code <dir>/<backend>-<key id>.bin} in the {@link ArtifactFile}
 * format.
 *
 * <ul>
 *   <li><b>Writes</b> go to a new temporary file in the same directory ({@code .<name>.<pid>-<n>.tmp},
 *       created exclusively, never through a link), which is then renamed over the final name in one
 *       atomic step: a reader sees the whole old file, the whole new file, or none. Concurrent writers
 *       of one key (threads or processes) each rename a whole file; the last one wins.</li>
 *   <li><b>Reads</b> never follow a symbolic link (the file's own attributes are read, and it is opened
 *       with {@code NOFOLLOW_LINKS}). A file that is a link or not a regular file, is larger than the
 *       limit, or fails {@link ArtifactFile#decode} is refused: a miss and one log line, never an
 *       exception. The next write of that key replaces it.</li>
 *   <li><b>Size cap.</b> After each write the store adds up its files; while they exceed the cap it
 *       deletes the least recently used (oldest modification time: a hit renews it). Temporary files
 *       left by a crashed process are deleted after an hour.</li>
 * </ul>
 * No method throws for an I/O problem: a failed write is counted as rejected and logged once per
 * distinct problem.
 */
final class DiskStore {

    private static final Pattern ENTRY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}-[0-9a-f]{64}\\.bin");
    private static final Pattern TMP =
            Pattern.compile("\\.[a-z0-9][a-z0-9._-]{0,63}-[0-9a-f]{64}\\.bin\\.[0-9]+-[0-9]+\\.tmp");
    private static final long STALE_TMP_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final AtomicLong TMP_COUNTER = new AtomicLong();
    private static final FileAttribute<?> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;
    private final long maxBytes;
    private final long maxArtifact;
    private final System.Logger logger;
    private final Counters counters;
    /** Kinds of write failure already logged (one line each per store). */
    private final Set<String> loggedWriteProblems = ConcurrentHashMap.newKeySet();

    DiskStore(Path dir, long maxBytes, long maxArtifact, System.Logger logger, Counters counters) {
        this.dir = dir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.maxArtifact = maxArtifact;
        this.logger = logger;
        this.counters = counters;
    }

    Path dir() {
        return dir;
    }

    /** @return where {@code key}'s artifact lives */
    Path file(CacheKey key) {
        return dir.resolve(key.backend() + "-" + key.id() + ".bin");
    }

    /** @return the artifact of {@code key}, or null (absent, or refused with one log line) */
    byte[] get(CacheKey key) {
        Path file = file(key);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException | RuntimeException e) {
            return refuse(file, "cannot be inspected (" + e + ")");
        }
        if (attributes.isSymbolicLink()) {
            return refuse(file, "is a symbolic link (the cache never follows links)");
        }
        if (!attributes.isRegularFile()) {
            return refuse(file, "is not a regular file");
        }
        long limit = ArtifactFile.maxFileBytes(maxArtifact);
        if (attributes.size() > limit) {
            return refuse(file, "is " + attributes.size() + " bytes, larger than the " + limit + "-byte limit");
        }
        byte[] bytes;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = in.size();
            if (size > limit) {
                return refuse(file, "is " + size + " bytes, larger than the " + limit + "-byte limit");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && in.read(buffer) >= 0) {
                // read until full or end of file
            }
            if (buffer.hasRemaining()) {
                return refuse(file, "is truncated (ended at " + buffer.position() + " of " + size + " bytes)");
            }
            bytes = buffer.array();
        } catch (NoSuchFileException removed) {
            return null; // deleted between the two calls: a plain miss
        } catch (IOException | RuntimeException e) {
            // ELOOP when it was replaced by a link after the attributes were read
            return refuse(file, "cannot be read (" + e + ")");
        }
        byte[] artifact;
        try {
            artifact = ArtifactFile.decode(bytes, key, maxArtifact);
        } catch (ArtifactFile.Invalid e) {
            return refuse(file, e.getMessage(), e.outdated ? Level.DEBUG : Level.WARNING);
        }
        touch(file);
        return artifact;
    }

    private byte[] refuse(Path file, String reason) {
        return refuse(file, reason, Level.WARNING);
    }

    /** A miss: one log line at {@code level} (DEBUG for a file an older vyre wrote, WARNING for damage). */
    private byte[] refuse(Path file, String reason, Level level) {
        counters.refusedFiles.incrementAndGet();
        logger.log(level, "compile cache: " + file + " " + reason + "; treated as a miss, the artifact is"
                + " compiled again and the file replaced. Fix: nothing is needed; if this repeats, delete " + dir
                + " or set -D" + CompileCache.DIR_PROPERTY + " to another directory");
        return null;
    }

    /** Marks a hit, so the size cap evicts the least recently used files first. */
    private static void touch(Path file) {
        try {
            Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.fromMillis(System.currentTimeMillis()), null, null);
        } catch (IOException | RuntimeException ignored) {
            // a read-only store still serves hits; the cap then evicts by write time
        }
    }

    /**
     * Writes {@code artifact} for {@code key}: a temporary file, then an atomic rename; then enforces the
     * size cap.
     *
     * @return false when it was not written (too large, or an I/O failure, logged once per problem)
     */
    boolean put(CacheKey key, byte[] artifact) {
        byte[] bytes = ArtifactFile.encode(key, artifact);
        if (artifact.length > maxArtifact || bytes.length > maxBytes) {
            counters.rejected.incrementAndGet();
            return false;
        }
        Path file = file(key);
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + TMP_COUNTER.incrementAndGet() + ".tmp");
        try {
            createDirectory();
            try (FileChannel out = create(tmp)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            // rename(2) replaces whatever has the final name, a symbolic link included (not its target)
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            counters.rejected.incrementAndGet();
            deleteQuietly(tmp); // else swept after an hour
            String problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            // one line per kind of failure: the message names a temporary file that differs every time
            String kind = e.getClass().getName() + (e instanceof java.nio.file.FileSystemException f ? f.getReason() : "");
            if (loggedWriteProblems.size() < 16 && loggedWriteProblems.add(kind)) {
                logger.log(Level.WARNING, "compile cache: cannot write " + file + " (" + problem + "); the artifact"
                        + " is kept in memory only. Fix: make " + dir + " writable, or set -D"
                        + CompileCache.DIR_PROPERTY + " to a writable directory (none disables the disk store)");
            }
            return false;
        }
        counters.diskWrites.incrementAndGet();
        enforceCap(file);
        return true;
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PRIVATE_DIR);
        } catch (FileAlreadyExistsException raced) {
            // another thread or process made it
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    private static FileChannel create(Path tmp) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PRIVATE_FILE);
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(tmp, options);
        }
    }

    /** Deletes the least recently used files while the store exceeds its cap; sweeps stale temporary files. */
    private void enforceCap(Path keep) {
        record Entry(Path path, long size, long modified) {
        }
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                boolean entry = ENTRY.matcher(name).matches();
                boolean tmp = !entry && TMP.matcher(name).matches();
                if (!entry && !tmp) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | RuntimeException gone) {
                    continue;
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                long modified = a.lastModifiedTime().toMillis();
                if (tmp) {
                    if (now - modified > STALE_TMP_MILLIS) {
                        deleteQuietly(p);
                    }
                    continue;
                }
                entries.add(new Entry(p, a.size(), modified));
                total += a.size();
            }
        } catch (IOException | RuntimeException e) {
            return; // the cap is enforced by the next write
        }
        if (total <= maxBytes) {
            return;
        }
        entries.sort(Comparator.comparingLong(Entry::modified).thenComparing(e -> e.path().getFileName().toString()));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            if (e.path().equals(keep)) {
                continue;
            }
            if (deleteQuietly(e.path())) {
                counters.diskEvictions.incrementAndGet();
            }
            total -= e.size();
        }
    }

    /** @return true when this call deleted {@code p}; false when it was gone or could not be deleted */
    private static boolean deleteQuietly(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            return false; // another process removed or holds it; the next write tries again
        }
    }
}
