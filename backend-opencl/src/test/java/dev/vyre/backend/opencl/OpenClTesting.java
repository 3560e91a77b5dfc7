package dev.vyre.backend.opencl;

import dev.vyre.api.BackendInfo;
import dev.vyre.api.Vyre;
import org.junit.jupiter.api.Assumptions;

/** Shared by the tests: skips (with the probe's reason) where no OpenCL device is installed. */
final class OpenClTesting {

    private OpenClTesting() {
    }

    /** @return the backend opened through the runtime; aborts the test where OpenCL is unavailable */
    static Vyre openOrSkip() {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        BackendInfo info = Vyre.describe(provider);
        Assumptions.assumeTrue(info.available(), () -> "no OpenCL device: " + info.reason());
        return Vyre.open(provider);
    }

    /** @return the SPI backend itself; aborts the test where OpenCL is unavailable */
    static OpenClBackend backendOrSkip() {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> "no OpenCL device: " + provider.probe().reason());
        return (OpenClBackend) provider.open();
    }
}
