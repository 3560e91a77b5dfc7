package dev.vyre.api;

/**
 * vyre 0.6.3's host protocol API ({@code protocol_api.rs}) under the same names in camelCase.
 * Plain forms are lenient (0 / empty on malformed input); {@code try...} forms are strict and
 * throw a {@link dev.vyre.protocol.PipelineException} whose message ends with {@code Fix: ...};
 * {@code ...Into} forms write into caller-owned storage and allocate nothing.
 */
public final class Megakernel {

    private Megakernel() {
    }

    // == codecs (encoders, decoders, byte lengths) ==

    // == publishing (slots, packed, batch, work items, transitions) ==

    // == IO queue, priority offsets, telemetry ==
}
