package dev.vyre.protocol;

/**
 * Compact sketches of a telemetry snapshot.
 *
 * @param ringOpcode      every ring slot by opcode
 * @param activeOpcode    active ring slots by opcode
 * @param tenant          every ring slot by tenant id
 * @param status          every ring slot by raw status word
 * @param dispatchMetrics control metrics {@code (i, count)}
 * @param totalSlots      decoded ring slots
 * @param activeSlots     active ring slots
 */
public record SketchTelemetry(CountMinSketch ringOpcode, CountMinSketch activeOpcode, CountMinSketch tenant,
                              CountMinSketch status, CountMinSketch dispatchMetrics, long totalSlots,
                              long activeSlots) {
}
