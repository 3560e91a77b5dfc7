package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.VyreArgumentException;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.DeviceInfo;
import dev.vyre.spi.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Device enumeration and opening a backend on a chosen device. */
class DevicesTest {

    /** A provider with two devices (the second unavailable) that records which device was opened. */
    static class TwoDevices implements BackendProvider {
        final List<Integer> opened = new ArrayList<>();
        final SessionRuntimeTest.Log log = new SessionRuntimeTest.Log();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Probe probe() {
            return Probe.available("card 0", "1.0");
        }

        @Override
        public List<Probe> devices() {
            return List.of(Probe.available("card 0", "1.0"), Probe.unavailable("card 1 is busy. Fix: free it"));
        }

        @Override
        public Backend open() {
            return open(0);
        }

        @Override
        public Backend open(int index) {
            opened.add(index);
            Backend inner = SessionRuntimeTest.provider(log).open();
            return new Backend() {
                @Override
                public DeviceInfo device() {
                    return new DeviceInfo("card " + index, "1.0", Map.of());
                }

                @Override
                public dev.vyre.spi.Capabilities capabilities() {
                    return inner.capabilities();
                }

                @Override
                public dev.vyre.spi.SessionDriver openSession(dev.vyre.spi.SessionSpec spec) {
                    return inner.openSession(spec);
                }

                @Override
                public dev.vyre.spi.PassResult dispatch(dev.vyre.spi.PassRequest request) {
                    return inner.dispatch(request);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }

    @Test
    void devicesAreListedInIndexOrderWithTheirAvailability() {
        List<BackendDevice> devices = Vyre.devices(new TwoDevices());
        assertEquals(List.of(new BackendDevice("recording", 0, true, "card 0", "1.0", ""),
                new BackendDevice("recording", 1, false, "", "", "card 1 is busy. Fix: free it")), devices);
    }

    @Test
    void aBackendOpenedOnADeviceRunsItsSessionsThere() {
        TwoDevices provider = new TwoDevices();
        try (Vyre vyre = Vyre.open(provider, 1); Session s = vyre.openSession(SessionOptions.builder().slotCount(4)
                .build())) {
            assertEquals("card 1", vyre.device().name());
            assertEquals(List.of(1), provider.opened);
            assertFalse(s.isClosed());
        }
    }

    @Test
    void aNegativeIndexIsAUsageError() {
        VyreArgumentException e = assertThrows(VyreArgumentException.class, () -> Vyre.open(new TwoDevices(), -1));
        assertEquals("device", e.parameter());
        assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
    }

    @Test
    void aOneDeviceProviderListsItsProbeAndRefusesOtherIndexes() {
        BackendProvider single = SessionRuntimeTest.provider(new SessionRuntimeTest.Log());
        assertEquals(List.of(new BackendDevice("recording", 0, true, "recording device", "1.0", "")),
                Vyre.devices(single));
        try (Vyre vyre = Vyre.open(single, 0)) {
            assertEquals("recording device", vyre.device().name());
        }
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> Vyre.open(single, 2));
        assertTrue(e.getMessage().contains("not device 2"), e.getMessage());
    }

    @Test
    void aProviderWhoseDeviceListFailsIsReportedNotThrown() {
        BackendProvider broken = new TwoDevices() {
            @Override
            public List<Probe> devices() {
                throw new IllegalStateException("boom");
            }
        };
        List<BackendDevice> devices = Vyre.devices(broken);
        assertEquals(1, devices.size());
        assertFalse(devices.get(0).available());
        assertTrue(devices.get(0).reason().startsWith("devices() failed: "), devices.get(0).reason());
        assertTrue(devices.get(0).reason().endsWith("Fix: report this to the backend's author"));
    }
}
