package dev.vyre.backend.opencl;

import dev.vyre.protocol.BackendException;

/** Turns OpenCL status codes into {@link BackendException}s that name the call and the error. */
final class ClCalls {

    private ClCalls() {
    }

    /** @throws BackendException when {@code status} is not {@code CL_SUCCESS} */
    static void check(int status, String call) {
        if (status != 0) {
            throw failure(status, call);
        }
    }

    /** @return the exception for a failed call */
    static BackendException failure(int status, String call) {
        String fix = switch (status) {
            case -4, -5, -6 -> "the device is out of memory: use a smaller ring or data buffer, or close other sessions";
            case -1, -2, -33 -> "check the OpenCL driver with clinfo (the device is missing or not available)";
            case -11 -> "the OpenCL C source did not compile: see the build log in the message";
            default -> "check the OpenCL driver with clinfo, or select another backend with -Dvyre.backend=reference";
        };
        return new BackendException(call + " failed with " + name(status) + " (" + status + ")", fix);
    }

    /** @return the OpenCL name of a status code */
    static String name(int status) {
        return switch (status) {
            case 0 -> "CL_SUCCESS";
            case -1 -> "CL_DEVICE_NOT_FOUND";
            case -2 -> "CL_DEVICE_NOT_AVAILABLE";
            case -3 -> "CL_COMPILER_NOT_AVAILABLE";
            case -4 -> "CL_MEM_OBJECT_ALLOCATION_FAILURE";
            case -5 -> "CL_OUT_OF_RESOURCES";
            case -6 -> "CL_OUT_OF_HOST_MEMORY";
            case -7 -> "CL_PROFILING_INFO_NOT_AVAILABLE";
            case -11 -> "CL_BUILD_PROGRAM_FAILURE";
            case -12 -> "CL_MAP_FAILURE";
            case -14 -> "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST";
            case -30 -> "CL_INVALID_VALUE";
            case -32 -> "CL_INVALID_PLATFORM";
            case -33 -> "CL_INVALID_DEVICE";
            case -34 -> "CL_INVALID_CONTEXT";
            case -36 -> "CL_INVALID_COMMAND_QUEUE";
            case -38 -> "CL_INVALID_MEM_OBJECT";
            case -44 -> "CL_INVALID_PROGRAM";
            case -45 -> "CL_INVALID_PROGRAM_EXECUTABLE";
            case -46 -> "CL_INVALID_KERNEL_NAME";
            case -48 -> "CL_INVALID_KERNEL";
            case -49 -> "CL_INVALID_ARG_INDEX";
            case -50 -> "CL_INVALID_ARG_VALUE";
            case -51 -> "CL_INVALID_ARG_SIZE";
            case -52 -> "CL_INVALID_KERNEL_ARGS";
            case -54 -> "CL_INVALID_WORK_GROUP_SIZE";
            case -55 -> "CL_INVALID_WORK_ITEM_SIZE";
            case -58 -> "CL_INVALID_EVENT";
            case -59 -> "CL_INVALID_OPERATION";
            case -61 -> "CL_INVALID_BUFFER_SIZE";
            case -63 -> "CL_INVALID_GLOBAL_WORK_SIZE";
            case -1001 -> "CL_PLATFORM_NOT_FOUND_KHR";
            default -> "OpenCL error";
        };
    }
}
