package dev.vyre.protocol.replay;

import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.VyreArgumentException;
import java.util.List;
import java.util.Locale;

/**
 * Classifies a failure for recovery and gives its stable backend error code. Types first: an
 * {@link UnsupportedFeatureException} is a program bug (code 1002), an {@link OutOfMemoryError} or a
 * {@link QueueFullException} is transient (1001 for memory), a {@link VyreArgumentException} is an
 * invalid program (1006). Every other failure is classified by case-insensitive markers in its
 * message chain, in this order: device loss, transient, program bug, else unclassified. Besides the
 * wire-compatible runtime's markers, the device-loss markers include the CUDA results after which a
 * context cannot be used again ({@code CUDA_ERROR_ILLEGAL_ADDRESS}, {@code CUDA_ERROR_LAUNCH_FAILED},
 * ...) and {@code VK_ERROR_DEVICE_LOST}.
 */
public final class FailureClassifier {

    /** Stable code: the device ran out of memory. */
    public static final int DEVICE_OUT_OF_MEMORY = 1001;
    /** Stable code: the backend refused a feature. */
    public static final int UNSUPPORTED_FEATURE = 1002;
    /** Stable code: a lock was poisoned (a thread died holding it). */
    public static final int POISONED_LOCK = 1003;
    /** Stable code: a kernel or shader did not compile. */
    public static final int KERNEL_COMPILE_FAILED = 1004;
    /** Stable code: a dispatch failed. */
    public static final int DISPATCH_FAILED = 1005;
    /** Stable code: the program or request is invalid. */
    public static final int INVALID_PROGRAM = 1006;
    /** Stable code: more cooperative workgroups were asked for than fit. */
    public static final int COOPERATIVE_RESIDENCY_EXCEEDED = 1007;
    /** Stable code: anything else. */
    public static final int UNKNOWN = 1999;

    private static final List<String> DEVICE_LOSS = List.of("device lost", "devicelost", "context lost", "lost device",
            "adapter lost", "gpu reset", "device_error_context_is_destroyed", "device_error_context_is_current",
            "device_error_deinitialized", "stale pipeline",
            "vk_error_device_lost", "cuda_error_illegal_address", "cuda_error_launch_failed",
            "cuda_error_context_is_destroyed", "cuda_error_illegal_instruction", "cuda_error_misaligned_address",
            "cuda_error_invalid_address_space", "cuda_error_invalid_pc", "cuda_error_hardware_stack_error",
            "cuda_error_ecc_uncorrectable", "cuda_error_launch_timeout", "cuda_error_deinitialized",
            "cuda_error_assert");
    private static final List<String> TRANSIENT = List.of("queue full", "backpressure", "temporarily unavailable",
            "try again", "would block", "timeout", "timed out", "out of memory", "device out of memory");
    private static final List<String> PROGRAM_BUG = List.of("invalid program", "kernel-source compile failed",
            "compile failed", "unsupported feature", "validation failed", "lowering failed", "type error");
    private static final List<String> COMPILE = List.of("compile failed", "nvrtc", "shaderc", "kernel-source");

    private FailureClassifier() {
    }

    /** @return the recovery class of {@code failure}; only {@link FailureClass#DEVICE_LOSS} calls for a reopen */
    public static FailureClass classify(Throwable failure) {
        if (failure == null) {
            return FailureClass.NONE;
        }
        if (failure instanceof UnsupportedFeatureException || failure instanceof VyreArgumentException) {
            return FailureClass.PROGRAM_BUG;
        }
        if (failure instanceof OutOfMemoryError) {
            return FailureClass.TRANSIENT_QUEUE;
        }
        String text = chain(failure);
        if (containsAny(text, DEVICE_LOSS)) {
            return FailureClass.DEVICE_LOSS;
        }
        if (failure instanceof QueueFullException || containsAny(text, TRANSIENT)) {
            return FailureClass.TRANSIENT_QUEUE;
        }
        if (containsAny(text, PROGRAM_BUG)) {
            return FailureClass.PROGRAM_BUG;
        }
        return FailureClass.UNCLASSIFIED;
    }

    /** @return the stable code of {@code failure} (0 for none) */
    public static int stableCode(Throwable failure) {
        if (failure == null) {
            return 0;
        }
        if (failure instanceof UnsupportedFeatureException) {
            return UNSUPPORTED_FEATURE;
        }
        if (failure instanceof VyreArgumentException) {
            return INVALID_PROGRAM;
        }
        String text = chain(failure);
        if (failure instanceof OutOfMemoryError || containsAny(text, List.of("out of memory"))) {
            return DEVICE_OUT_OF_MEMORY;
        }
        if (containsAny(text, COMPILE)) {
            return KERNEL_COMPILE_FAILED;
        }
        if (failure instanceof dev.vyre.protocol.BackendException) {
            return DISPATCH_FAILED;
        }
        return UNKNOWN;
    }

    private static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean containsAny(String text, List<String> markers) {
        for (String m : markers) {
            if (text.contains(m)) {
                return true;
            }
        }
        return false;
    }
}
