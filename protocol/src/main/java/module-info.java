/** The VIR0 v1 wire format: constants, encoders, decoders, host publishing. */
module dev.vyre.protocol {
    exports dev.vyre.protocol;
    exports dev.vyre.protocol.replay;
}
