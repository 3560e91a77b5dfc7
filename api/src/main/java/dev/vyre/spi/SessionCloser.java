package dev.vyre.spi;

/** Closes every session of a backend being closed, even when some refuse. */
public final class SessionCloser {

    private SessionCloser() {
    }

    /**
     * Calls {@link PersistentSession#close()} on each session.
     *
     * @return the first failure, with any later ones added as suppressed, or null when all closed
     */
    public static RuntimeException closeEach(Iterable<? extends PersistentSession> sessions) {
        RuntimeException first = null;
        for (PersistentSession session : sessions) {
            try {
                session.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }
}
