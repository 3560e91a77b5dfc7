package dev.vyre.bench;

/**
 * The error contract of the bench mains: an argument error is one line on standard error with its fix and
 * exit status 2; any other failure (a backend that cannot run here, a device error) one line and exit
 * status 1; never a stack trace unless {@code VYRE_DEBUG} is set. A main that returns normally keeps its own
 * exit status (the JVM's, or the one it chose).
 */
final class BenchMain {

    /** The body of a main. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private BenchMain() {
    }

    /** Runs {@code body}; on an exception prints {@code name: message} with a fix and exits 2 or 1. */
    static void guard(String name, Body body) {
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + withFix(String.valueOf(e.getMessage()), "see " + name + " --help"));
            debug(e);
            System.exit(2);
        } catch (Exception e) {
            System.err.println(name + ": " + e.getClass().getSimpleName() + ": "
                    + withFix(String.valueOf(e.getMessage()), "rerun with VYRE_DEBUG=1 for the stack trace"));
            debug(e);
            System.exit(1);
        }
    }

    private static String withFix(String message, String fix) {
        return message.contains("Fix:") ? message : message + ". Fix: " + fix;
    }

    private static void debug(Exception e) {
        if (System.getenv("VYRE_DEBUG") != null) {
            e.printStackTrace();
        }
    }
}
