package dev.vyre.protocol.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.protocol.BackendException;
import dev.vyre.protocol.QueueFullException;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.protocol.VyreArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Recovery classification and stable codes, marker by marker and type by type. */
class FailureClassifierTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Device Lost while waiting|DEVICE_LOSS",
        "vkQueueSubmit failed: VK_ERROR_DEVICE_LOST|DEVICE_LOSS",
        "cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS|DEVICE_LOSS",
        "cuLaunchKernel: CUDA_ERROR_LAUNCH_FAILED|DEVICE_LOSS",
        "cuStreamQuery failed with CUDA_ERROR_ASSERT|DEVICE_LOSS",
        "cuStreamQuery failed with CUDA_ERROR_ILLEGAL_INSTRUCTION|DEVICE_LOSS",
        "context lost after gpu reset|DEVICE_LOSS",
        "the GPU timed out|TRANSIENT_QUEUE",
        "submission queue full|TRANSIENT_QUEUE",
        "out of memory|TRANSIENT_QUEUE",
        "kernel-source compile failed at line 3|PROGRAM_BUG",
        "Validation failed: binding 2|PROGRAM_BUG",
        "something odd|UNCLASSIFIED"})
    void messagesAreClassifiedByMarkersInOrder(String message, FailureClass expected) {
        assertEquals(expected, FailureClassifier.classify(new BackendException(message, "x")));
    }

    @Test
    void deviceLossWinsOverTransientMarkersAndCausesAreRead() {
        assertEquals(FailureClass.DEVICE_LOSS,
                FailureClassifier.classify(new BackendException("wait timed out: device lost", "x")));
        assertEquals(FailureClass.DEVICE_LOSS, FailureClassifier.classify(new IllegalStateException("wrapped",
                new BackendException("cuMemcpy: CUDA_ERROR_ILLEGAL_ADDRESS", "x"))));
    }

    @Test
    void typesComeBeforeMessages() {
        assertEquals(FailureClass.PROGRAM_BUG, FailureClassifier.classify(
                new UnsupportedFeatureException("b", "f", "device lost", "x")));
        assertEquals(FailureClass.TRANSIENT_QUEUE, FailureClassifier.classify(QueueFullException.submission("x")));
        assertEquals(FailureClass.TRANSIENT_QUEUE, FailureClassifier.classify(new OutOfMemoryError()));
        assertEquals(FailureClass.PROGRAM_BUG, FailureClassifier.classify(new VyreArgumentException("p", "q", "x")));
        assertEquals(FailureClass.NONE, FailureClassifier.classify(null));
    }

    @Test
    void stableCodes() {
        assertEquals(FailureClassifier.UNSUPPORTED_FEATURE,
                FailureClassifier.stableCode(new UnsupportedFeatureException("b", "f", "p", "x")));
        assertEquals(FailureClassifier.INVALID_PROGRAM, FailureClassifier.stableCode(new VyreArgumentException("p", "q", "x")));
        assertEquals(FailureClassifier.DEVICE_OUT_OF_MEMORY, FailureClassifier.stableCode(new OutOfMemoryError()));
        assertEquals(FailureClassifier.KERNEL_COMPILE_FAILED,
                FailureClassifier.stableCode(new BackendException("NVRTC compile failed", "x")));
        assertEquals(FailureClassifier.DISPATCH_FAILED,
                FailureClassifier.stableCode(new BackendException("CUDA_ERROR_ILLEGAL_ADDRESS", "x")));
        assertEquals(FailureClassifier.UNKNOWN, FailureClassifier.stableCode(new IllegalStateException("?")));
        assertEquals(0, FailureClassifier.stableCode(null));
    }
}
