package dev.vyre.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code --ready-file} of {@code vyre ingest --listen}: it exists exactly while the server
 * accepts connections. {@link #check} removes a stale one before any work; {@link #write} creates it
 * atomically (written aside, then renamed) once the socket is bound, holding {@code host:port} and a
 * newline; {@link #remove} deletes it when the server stops. A script waits for it with
 * {@code until [ -e FILE ]; do sleep 0.1; done}.
 */
final class ReadyFile {

    private final Path file;

    private ReadyFile(Path file) {
        this.file = file;
    }

    /**
     * @return the ready file, its directory known to exist and a stale file removed
     * @throws picocli.CommandLine.ParameterException when it is a directory, its directory is missing, or
     *         a stale file cannot be removed
     */
    static ReadyFile check(CommandSpec spec, Path file) {
        String fix = "pass a file path in an existing directory you can write, e.g. --ready-file /tmp/vyre.ready";
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw UsageErrorHandler.error(spec, "--ready-file " + file + " is a directory", fix);
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw UsageErrorHandler.error(spec, "--ready-file " + file + ": directory " + dir + " does not exist", fix);
        }
        if (!Files.isWritable(dir)) {
            throw UsageErrorHandler.error(spec, "--ready-file " + file + ": directory " + dir + " is not writable", fix);
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw UsageErrorHandler.error(spec, "--ready-file " + file + " exists and cannot be removed: "
                    + OutputFile.describe(e), fix);
        }
        return new ReadyFile(file);
    }

    /** Creates the file with {@code address} and a newline, atomically. */
    void write(String address) {
        Path aside = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(aside, address + "\n", StandardCharsets.UTF_8);
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(aside);
            } catch (IOException ignored) {
                // the write failed already; that is the error to report
            }
            throw new CliFailure("cannot write --ready-file " + file + ": " + OutputFile.describe(e),
                    "pass a file path in a directory you can write");
        }
    }

    /** Deletes the file; quietly, since this runs when the server stops. */
    void remove() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing to do about it while stopping
        }
    }

    Path path() {
        return file;
    }
}
