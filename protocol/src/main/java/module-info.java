/** The VIR0 v1 wire format of vyre 0.6.3: constants, encoders, decoders, host publishing. */
module dev.vyre.protocol {
    exports dev.vyre.protocol;
}
