package dev.vyre.cli;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks an output file named by an option ({@code --report}, {@code --jfr}) before a command does any
 * work: its directory is created when missing and the file is opened for writing once (and removed
 * again when this check created it), so a path that cannot be written is a usage error up front, not
 * a failure after the work.
 */
final class OutputFile {

    private OutputFile() {
    }

    /**
     * @param spec   the command, for the usage error
     * @param option the option's name, e.g. {@code --report}
     * @param file   the path given
     * @param example a path to suggest, e.g. {@code build/conformance.json}
     * @return {@code file}, known to be writable now
     * @throws picocli.CommandLine.ParameterException when it is a directory or cannot be created or written
     */
    static Path check(CommandSpec spec, String option, Path file, String example) {
        String fix = "pass a file path in a directory you can write, e.g. " + option + " " + example;
        if (Files.isDirectory(file)) {
            throw UsageErrorHandler.error(spec, option + " " + file + " is a directory", fix);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean existed = Files.exists(file);
            try (SeekableByteChannel ignored = Files.newByteChannel(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                // opened for writing: the file can be written at the end of the run
            }
            if (!existed) {
                Files.deleteIfExists(file);
            }
            return file;
        } catch (IOException | SecurityException e) {
            throw UsageErrorHandler.error(spec, "cannot write " + option + " " + file + ": " + describe(e), fix);
        }
    }

    /** @return what went wrong, in words, for an exception from the file system */
    static String describe(Exception e) {
        if (e instanceof FileSystemException f) {
            String kind = switch (f) {
                case java.nio.file.NoSuchFileException n -> "no such file or directory";
                case java.nio.file.AccessDeniedException a -> "permission denied";
                case java.nio.file.NotDirectoryException n -> "a part of the path is not a directory";
                case java.nio.file.FileAlreadyExistsException x -> "a part of the path is a file, not a directory";
                default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            };
            return kind + (f.getFile() != null ? " (" + f.getFile() + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
