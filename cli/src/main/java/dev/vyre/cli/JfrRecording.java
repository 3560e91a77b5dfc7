package dev.vyre.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * A JDK Flight Recorder recording of one command run: the JDK's {@code default} settings, with every
 * {@code dev.vyre.*} event enabled (events registered later are on by their own defaults), dumped to
 * a file at the end.
 */
final class JfrRecording implements AutoCloseable {

    /** Prefix of the runtime's own event names. */
    static final String VYRE_EVENTS = "dev.vyre.";

    private final Recording recording;
    private final Path file;

    private JfrRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /**
     * Starts recording now.
     *
     * @throws CliFailure when this Java runtime has no Flight Recorder
     */
    static JfrRecording start(Path file, String name) {
        Recording r;
        try {
            r = new Recording(Configuration.getConfiguration("default"));
            for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
                if (t.getName().startsWith(VYRE_EVENTS)) {
                    r.enable(t.getName());
                }
            }
            r.setName(name);
            r.setToDisk(true);
            r.start();
        } catch (IOException | ParseException | IllegalStateException | SecurityException e) {
            throw new CliFailure("cannot start a Flight Recorder recording: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    "run on a JDK with the jdk.jfr module, or leave out --jfr");
        }
        return new JfrRecording(r, file);
    }

    /**
     * Stops the recording and writes it to the file.
     *
     * @return the file's size in bytes
     * @throws CliFailure when the file cannot be written
     */
    long dump() {
        try {
            recording.stop();
            recording.dump(file);
            return Files.size(file);
        } catch (IOException | IllegalStateException e) {
            throw new CliFailure("cannot write the JFR recording to " + file + ": " + OutputFile.describe(e),
                    "pass a writable path to --jfr");
        }
    }

    @Override
    public void close() {
        recording.close();
    }
}
