package dev.vyre.api.testproviders;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/** A test provider registered in META-INF/services: priority 99, probe throws. */
public final class ThrowingFakeProvider implements BackendProvider {

    @Override
    public String name() {
        return "throwingfake";
    }

    @Override
    public int priority() {
        return 99;
    }

    @Override
    public Probe probe() {
        throw new IllegalStateException("fake driver crashed while probing");
    }

    @Override
    public Backend open() {
        throw new BackendException("throwingfake cannot really be opened", "use it only to test selection");
    }
}
