/**
 * The user API of vyre-java: {@link dev.vyre.api.Vyre} (find and open a backend),
 * {@link dev.vyre.api.Session} (the runtime: every protocol rule, once, for every backend), options and
 * results, and the seed protocol facade {@link dev.vyre.api.Megakernel}. Backends implement
 * {@code dev.vyre.spi}; users never import it. Sessions emit JDK Flight Recorder events named
 * {@code dev.vyre.*} (see {@link dev.vyre.api.Session}).
 */
module dev.vyre.api {
    requires transitive dev.vyre.protocol;
    requires transitive dev.vyre.spi;
    requires static transitive org.apiguardian.api;
    requires jdk.jfr;
    exports dev.vyre.api;
    uses dev.vyre.spi.BackendProvider;
}
