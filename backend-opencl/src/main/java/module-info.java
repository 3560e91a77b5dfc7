/**
 * OpenCL backend: the VIR0 interpreter as an OpenCL C kernel, compiled at run time by the device's
 * OpenCL compiler and driven through LWJGL 3.4's OpenCL binding (the system's ICD loader,
 * {@code libOpenCL.so.1}). One-pass dispatches run on every OpenCL 1.2 device; persistent sessions on
 * devices where a running kernel is measured to see host writes (host-mapped or fine-grained SVM memory).
 * Users reach it through {@code dev.vyre.api.Vyre}.
 */
module dev.vyre.backend.opencl {
    requires dev.vyre.spi;
    requires org.lwjgl;
    requires org.lwjgl.opencl;
    provides dev.vyre.spi.BackendProvider with dev.vyre.backend.opencl.OpenClBackendProvider;
}
