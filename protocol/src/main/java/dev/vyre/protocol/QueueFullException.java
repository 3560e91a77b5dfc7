package dev.vyre.protocol;

/**
 * A submission was refused: a queue is at capacity, or the request does not fit the
 * ring, slot or queue it targets.
 */
public non-sealed class QueueFullException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** The queue name vyre uses for almost every host-side refusal. */
    public static final String SUBMISSION = "submission";

    private final String queue;

    public QueueFullException(String queue, String fix) {
        super("io_uring " + queue + " queue at capacity", fix);
        this.queue = queue;
    }

    /** Refusal on the {@value #SUBMISSION} queue. */
    public static QueueFullException submission(String fix) {
        return new QueueFullException(SUBMISSION, fix);
    }

    /** @return which queue refused ({@code "submission"}, {@code "telemetry"}, {@code "tenant"}, ...) */
    public String queue() {
        return queue;
    }
}
