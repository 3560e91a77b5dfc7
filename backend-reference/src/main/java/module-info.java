/** The pure-Java reference interpreter: the conformance oracle and the embedded default backend. */
module dev.vyre.backend.reference {
    requires dev.vyre.spi;
    provides dev.vyre.spi.BackendProvider with dev.vyre.backend.reference.ReferenceBackendProvider;
}
