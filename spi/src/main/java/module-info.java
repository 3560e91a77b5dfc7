/**
 * The backend SPI of vyre-java: what a backend implements (provider, backend, session driver) and
 * what it declares (probe, device, capabilities), and the compile cache backends share
 * ({@code dev.vyre.spi.cache}). Users never import it; they use {@code dev.vyre.api}.
 */
module dev.vyre.spi {
    requires transitive dev.vyre.protocol;
    requires static transitive org.apiguardian.api;
    exports dev.vyre.spi;
    exports dev.vyre.spi.cache;
}
