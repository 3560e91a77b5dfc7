/**
 * Micrometer metrics for a vyre {@code Session}: {@link dev.vyre.micrometer.VyreSessionMetrics}.
 * Micrometer itself is an optional dependency: the application brings {@code io.micrometer:micrometer-core}.
 */
module dev.vyre.micrometer {
    requires dev.vyre.api;
    requires static micrometer.core;
    exports dev.vyre.micrometer;
}
