package dev.vyre.api.testproviders;

import dev.vyre.protocol.BackendException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;

/** A test provider registered in META-INF/services: priority 50, probe unavailable. */
public final class FastFakeProvider implements BackendProvider {

    @Override
    public String name() {
        return "fastfake";
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Probe probe() {
        return Probe.unavailable("no fake accelerator in this machine. Fix: plug one in");
    }

    @Override
    public Backend open() {
        throw new BackendException("fastfake cannot really be opened", "use it only to test selection");
    }
}
