package dev.vyre.protocol;

import java.nio.file.Path;

/**
 * A replay log ({@code dev.vyre.protocol.replay.ReplayLog}) could not be opened, read or written.
 * {@link #kind()} tells which refusal ({@code ReplayLogError} variant) it is; {@link #path()} names
 * the file (null for a refused capacity, which concerns no file yet). The message ends with
 * {@code Fix: <what to do>}. {@link #toBackendException()} converts it into a backend error carrying its
 * text ({@code PipelineError::Backend(text)}).
 */
public final class ReplayLogException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** Why a replay log was refused. */
    public enum Kind {
        /** A capacity of 0 records (requested, or read from a header). */
        ZERO_CAPACITY,
        /** A capacity above the 1,048,576-record maximum (requested, or read from a header). */
        CAPACITY_OVERFLOW,
        /** The header's magic, version or recorded session geometry is not the one expected. */
        HEADER_MISMATCH,
        /**
         * A record is corrupt: a record magic other than 0 or 0xDEADBEEF (VRRL0001 readers report this as
         * {@code HeaderMismatch}), or, in a full-image log, a sequence break or a ring slot outside the
         * recorded ring.
         */
        CORRUPT_RECORD,
        /** An input/output operation failed, the file is shorter than its header says, or the log is closed. */
        IO
    }

    private final Kind kind;
    private final transient Path path;
    private final String operation;

    /** A refusal with no underlying exception; {@code operation} as below. */
    public ReplayLogException(Kind kind, Path path, String operation, String problem, String fix) {
        this(kind, path, operation, problem, fix, null);
    }

    /**
     * @param kind      which refusal
     * @param path      the file, or null when none is concerned
     * @param operation for {@link Kind#IO}: the failing operation ({@code open}, {@code read}, {@code write},
     *                  {@code set_len}, {@code sync}, {@code map}, {@code append}); else null
     * @param problem   what went wrong, without a trailing period
     * @param fix       what to do
     * @param cause     the underlying exception, or null
     */
    public ReplayLogException(Kind kind, Path path, String operation, String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
        this.kind = kind;
        this.path = path;
        this.operation = operation;
    }

    /** @return why the log was refused */
    public Kind kind() {
        return kind;
    }

    /** @return the log file concerned, or null for a refused capacity */
    public Path path() {
        return path;
    }

    /** @return for {@link Kind#IO}, the operation that failed; otherwise null */
    public String operation() {
        return operation;
    }

    /** @return this error as a backend error carrying its text ({@code From<ReplayLogError>}) */
    public BackendException toBackendException() {
        return new BackendException(problem(), fix(), this);
    }
}
