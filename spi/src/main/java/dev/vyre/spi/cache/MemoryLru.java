package dev.vyre.spi.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory store: artifacts by key in least-recently-used order, within an entry budget and a byte
 * budget. A put that would exceed a budget evicts the least recently used entries first; an artifact
 * larger than the byte budget is not kept (and replaces nothing). A budget of 0 keeps nothing.
 * Thread-safe; the arrays it holds are never handed out for writing (the cache copies).
 */
final class MemoryLru {

    private final int maxEntries;
    private final long maxBytes;
    private final Map<CacheKey, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long evictions;

    MemoryLru(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** @return the stored artifact (do not modify it), or null; a hit makes it the most recently used */
    synchronized byte[] get(CacheKey key) {
        return entries.get(key);
    }

    /**
     * Keeps {@code artifact} (the caller's own copy, which it must not modify afterwards).
     *
     * @return false when it is larger than the byte budget or a budget is 0 (nothing was kept; an older
     *         artifact of the key stays)
     */
    synchronized boolean put(CacheKey key, byte[] artifact) {
        if (maxEntries <= 0 || artifact.length > maxBytes) {
            return false;
        }
        byte[] old = entries.put(key, artifact);
        if (old != null) {
            bytes -= old.length;
        }
        bytes += artifact.length;
        Iterator<Map.Entry<CacheKey, byte[]>> eldest = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
            Map.Entry<CacheKey, byte[]> e = eldest.next();
            if (e.getKey().equals(key)) {
                continue; // the newest entry fits alone (checked above)
            }
            bytes -= e.getValue().length;
            eldest.remove();
            evictions++;
        }
        return true;
    }

    synchronized int entries() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long evictions() {
        return evictions;
    }

    synchronized boolean contains(CacheKey key) {
        return entries.containsKey(key);
    }
}
