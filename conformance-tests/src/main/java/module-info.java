/**
 * The shared conformance suite: one set of workloads, run against every backend that
 * {@link java.util.ServiceLoader} finds, compared byte for byte with the reference backend and
 * with golden expectations from the protocol. The cases drive backends through the user API
 * ({@code dev.vyre.api.Vyre}, {@code Session}); backend authors hand in a
 * {@code dev.vyre.spi.BackendProvider}. JUnit is needed only by
 * {@link dev.vyre.conformance.ConformanceTests}; the runner works without it.
 */
module dev.vyre.conformance {
    requires transitive dev.vyre.api;
    requires dev.vyre.spi;
    requires transitive dev.vyre.ir;
    requires static org.junit.jupiter.api;
    exports dev.vyre.conformance;
    uses dev.vyre.spi.BackendProvider;
}
