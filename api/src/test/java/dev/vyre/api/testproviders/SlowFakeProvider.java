package dev.vyre.api.testproviders;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/** A test provider registered in META-INF/services: priority 1, probe available. */
public final class SlowFakeProvider implements BackendProvider {

    @Override
    public String name() {
        return "slowfake";
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public Probe probe() {
        return Probe.available("slowfake device", "slowfake driver 1.0");
    }

    @Override
    public Backend open() {
        throw new BackendException("slowfake cannot really be opened", "use it only to test selection");
    }
}
