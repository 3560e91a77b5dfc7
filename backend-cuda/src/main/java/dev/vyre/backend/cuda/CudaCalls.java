package dev.vyre.backend.cuda;

import dev.vyre.protocol.BackendException;
import jcuda.driver.CUresult;

/** Turns CUDA driver result codes into {@link BackendException}s with a fix. */
final class CudaCalls {

    private CudaCalls() {
    }

    /**
     * @param result a {@code CUresult}
     * @param call   the driver call, for the message
     * @throws BackendException unless {@code result} is {@code CUDA_SUCCESS}
     */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new BackendException("CUDA " + call + " failed with " + CUresult.stringFor(result),
                    fixFor(result));
        }
    }

    static String fixFor(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_OUT_OF_MEMORY ->
                    "use a smaller ring, observable area or data buffer, or close other sessions";
            case CUresult.CUDA_ERROR_NO_DEVICE, CUresult.CUDA_ERROR_INVALID_DEVICE ->
                    "run on a machine with an NVIDIA GPU or select another backend with -Dvyre.backend";
            case CUresult.CUDA_ERROR_INVALID_PTX, CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
                 CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU ->
                    "update the NVIDIA driver (the kernel PTX needs the driver of CUDA 13.0 or newer)";
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED ->
                    "the megakernel faulted; report it with the slots that were running (a backend bug)";
            default -> "check nvidia-smi and the driver log; retry with -Dvyre.backend=reference to compare";
        };
    }
}
