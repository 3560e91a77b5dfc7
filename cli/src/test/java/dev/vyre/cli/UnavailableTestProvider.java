package dev.vyre.cli;

import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/**
 * A test backend whose probe always says it cannot run here (registered for the CLI tests only, below
 * every real backend's priority), so the tests of unavailable backends do not depend on the machine.
 */
public final class UnavailableTestProvider implements BackendProvider {

    /** Its name. */
    static final String NAME = "test-unavailable";
    /** The probe's reason. */
    static final String REASON = "the test device is never present. Fix: pick another backend";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Probe probe() {
        return Probe.unavailable(REASON);
    }

    @Override
    public Backend open() {
        throw new IllegalStateException("an unavailable backend is never opened");
    }
}
