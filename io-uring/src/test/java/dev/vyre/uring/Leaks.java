package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

/** Counts open file descriptors (/proc/self/fd) and live threads before and after a test. */
final class Leaks {
    private final Set<String> fds;
    private final Set<String> threads;

    private Leaks() {
        fds = fds();
        threads = threads();
    }

    static Leaks snapshot() {
        return new Leaks();
    }

    static Set<String> fds() {
        Set<String> out = new TreeSet<>();
        String[] names = new File("/proc/self/fd").list();
        for (String n : names) {
            try {
                out.add(n + " -> " + java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", n)));
            } catch (java.io.IOException e) {
                // the fd of the directory listing itself is gone by now
            }
        }
        return out;
    }

    /** @return the /proc/net/tcp{,6} lines of leaked sockets, to say which connection leaked */
    private static String sockets(Set<String> leaked) {
        StringBuilder out = new StringBuilder();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
                    for (String fd : leaked) {
                        int at = fd.indexOf("socket:[");
                        if (at >= 0 && line.contains(" " + fd.substring(at + 8, fd.length() - 1) + " ")) {
                            out.append('\n').append(line.trim());
                        }
                    }
                }
            } catch (java.io.IOException e) {
                out.append(" (").append(table).append(" unreadable)");
            }
        }
        return out.toString();
    }

    static Set<String> threads() {
        Set<String> out = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                out.add(t.getName());
            }
        }
        return out;
    }

    /** Asserts that no fd and no thread opened since the snapshot is still open (threads get a grace period). */
    void assertNoLeaks() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<String> extraFds;
        Set<String> extraThreads;
        do {
            extraFds = new TreeSet<>(fds());
            extraFds.removeAll(fds);
            extraThreads = new TreeSet<>(threads());
            extraThreads.removeAll(threads);
            extraThreads.removeIf(n -> n.startsWith("ForkJoinPool") || n.startsWith("Common-Cleaner")
                    || n.startsWith("process reaper") || n.startsWith("Attach Listener"));
            if (extraFds.isEmpty() && extraThreads.isEmpty()) {
                return;
            }
            LockSupport.parkNanos(10_000_000L);
        } while (System.nanoTime() - deadline < 0);
        assertEquals(Set.of(), extraFds, "file descriptors leaked" + sockets(extraFds));
        assertEquals(Set.of(), extraThreads, "threads leaked");
    }
}
