package dev.vyre.api.testproviders;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/** A test provider registered in META-INF/services: priority 10, probe available. */
public final class MidFakeProvider implements BackendProvider {

    @Override
    public String name() {
        return "midfake";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Probe probe() {
        return Probe.available("midfake device", "midfake driver 1.0");
    }

    @Override
    public Backend open() {
        throw new BackendException("midfake cannot really be opened", "use it only to test selection");
    }
}
