package dev.vyre.uring;

import dev.vyre.protocol.QueueFullException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a LOAD_MISS resource id means to the host: a registered file handle (opened once, at
 * registration), the file range to read and the data-buffer region it lands in. Thread-safe.
 * {@link #close()} closes every handle.
 */
public final class IoResourceRegistry implements AutoCloseable {

    /**
     * One resource.
     *
     * @param id          the resource id a LOAD_MISS slot names (argument word 0)
     * @param path        the file
     * @param fd          its open file descriptor
     * @param fileOffset  where the resource starts in the file (an IO request's offset adds to it)
     * @param length      bytes a request reads when its byte_count is 0 (LOAD_MISS requests), and at most otherwise
     * @param dataOffset  where the bytes land in the session's data buffer
     */
    public record Resource(int id, Path path, int fd, long fileOffset, int length, long dataOffset) {
    }

    private final Map<Integer, Resource> resources = new ConcurrentHashMap<>();

    /**
     * Opens {@code path} and maps {@code id} to {@code length} bytes at {@code fileOffset}, landing at
     * {@code dataOffset} of the data buffer. Replaces (and closes) an earlier registration of {@code id}.
     *
     * @throws dev.vyre.protocol.SyscallException when the file cannot be opened
     * @throws QueueFullException when the range is negative or empty
     */
    public IoResourceRegistry register(int id, Path path, long fileOffset, int length, long dataOffset) {
        if (fileOffset < 0 || length < 1 || dataOffset < 0) {
            throw QueueFullException.submission("resource " + id + ": file offset " + fileOffset + ", length " + length
                    + ", data offset " + dataOffset + " do not describe a range; pass offsets >= 0 and a length >= 1");
        }
        int fd = NativeFiles.openRead(path, false);
        Resource old = resources.put(id, new Resource(id, path, fd, fileOffset, length, dataOffset));
        if (old != null) {
            NativeFiles.close(old.fd());
        }
        return this;
    }

    /** @return the resource registered as {@code id}, or null */
    public Resource get(int id) {
        return resources.get(id);
    }

    /** Removes {@code id} and closes its handle. @return true if it was registered */
    public boolean unregister(int id) {
        Resource old = resources.remove(id);
        if (old != null) {
            NativeFiles.close(old.fd());
        }
        return old != null;
    }

    /** Closes every handle; call after the services that read them closed. */
    @Override
    public void close() {
        for (Integer id : resources.keySet()) {
            unregister(id);
        }
    }
}
