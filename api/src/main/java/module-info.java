/**
 * The host API of vyre-java ({@link dev.vyre.api.Megakernel}, backend selection) and the
 * backend SPI ({@code dev.vyre.spi}) that every backend implements.
 */
module dev.vyre.api {
    requires transitive dev.vyre.protocol;
    exports dev.vyre.api;
    exports dev.vyre.spi;
    uses dev.vyre.spi.BackendProvider;
}
