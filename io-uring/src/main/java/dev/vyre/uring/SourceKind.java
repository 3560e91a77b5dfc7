package dev.vyre.uring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What kind of file a source path names, from {@code stat(2)} (symbolic links followed). It decides how
 * {@link FileIngestPump} reads it: a regular file with a size and a block device in io_uring reads of
 * known ranges, every other kind by streaming reads until its end.
 */
public enum SourceKind {
    /** A regular file whose {@code stat} size is positive: read as that many bytes. */
    REGULAR,
    /**
     * A regular file whose {@code stat} size is 0: an empty file, or a pseudo file ({@code /proc},
     * {@code /sys}) whose contents exist only when read; streamed to its end.
     */
    SIZELESS,
    /** A named pipe: opened without blocking, then streamed until every writer closed. */
    FIFO,
    /** A character device ({@code /dev/zero}, a terminal): streamed; it may never end. */
    CHARACTER_DEVICE,
    /**
     * A block device: read as its capacity ({@code lseek SEEK_END}) in io_uring reads of known ranges, so
     * that a range the device cannot read fails alone and the ranges after it are still read.
     */
    BLOCK_DEVICE,
    /** A directory: cannot be ingested. */
    DIRECTORY,
    /** A socket, or a kind this enum does not know: cannot be opened for reading as a file. */
    OTHER,
    /** Nothing is there (or it cannot be examined); opening it reports the errno. */
    MISSING;

    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;

    /** @return the kind of {@code path}; never throws */
    public static SourceKind of(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            long size = Files.size(path);
            return switch ((Integer) mode & S_IFMT) {
                case S_IFREG -> size > 0 ? REGULAR : SIZELESS;
                case S_IFIFO -> FIFO;
                case S_IFCHR -> CHARACTER_DEVICE;
                case S_IFBLK -> BLOCK_DEVICE;
                case S_IFDIR -> DIRECTORY;
                default -> OTHER;
            };
        } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return basic(path);
        } catch (IOException | SecurityException e) {
            return MISSING;
        }
    }

    private static SourceKind basic(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (a.isRegularFile()) {
                return a.size() > 0 ? REGULAR : SIZELESS;
            }
            return a.isDirectory() ? DIRECTORY : OTHER;
        } catch (IOException | SecurityException e) {
            return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? OTHER : MISSING;
        }
    }

    /** @return true when the pump reads this kind by streaming reads until its end (its size is unknown) */
    public boolean streamed() {
        return this == SIZELESS || this == FIFO || this == CHARACTER_DEVICE;
    }

    /**
     * @return true when a source of this kind may never end ({@code /dev/zero}, {@code /dev/urandom}, a
     *         terminal): the caller should bound it with a byte limit
     */
    public boolean mayBeEndless() {
        return this == CHARACTER_DEVICE;
    }
}
