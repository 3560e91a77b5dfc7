package dev.vyre.backend.cuda;

import jcuda.driver.CUdeviceptr;

/** A {@link CUdeviceptr} whose numeric device address can be read (for the kernel argument block). */
final class DevicePointer extends CUdeviceptr {

    /** @return the device address */
    long address() {
        return getNativePointer();
    }
}
