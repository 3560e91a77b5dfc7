package dev.vyre.backend.opencl;

import org.lwjgl.opencl.CL;
import org.lwjgl.system.Configuration;

/**
 * Loads the OpenCL ICD loader once per process. LWJGL looks for {@code libOpenCL.so}, which only the
 * development package installs; the runtime package ({@code ocl-icd-libopencl1}) has
 * {@code libOpenCL.so.1}. So initialisation is explicit: {@code -Dorg.lwjgl.opencl.libname} if the user
 * set it, else {@code libOpenCL.so.1}, else LWJGL's default name.
 */
final class OpenClLoader {

    private static boolean loaded;
    private static LinkageError failure;

    private OpenClLoader() {
    }

    /**
     * @throws LinkageError when no OpenCL library can be loaded (the same error on every later call)
     */
    static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        if (failure != null) {
            throw failure;
        }
        Configuration.OPENCL_EXPLICIT_INIT.set(true);
        String named = Configuration.OPENCL_LIBRARY_NAME.get();
        try {
            if (named != null) {
                CL.create(named);
            } else {
                try {
                    CL.create("libOpenCL.so.1");
                } catch (UnsatisfiedLinkError e) {
                    CL.create();
                }
            }
            loaded = true;
        } catch (LinkageError e) {
            failure = e;
            throw e;
        } catch (IllegalStateException e) {
            // already created by other code in this process
            loaded = true;
        }
    }
}
