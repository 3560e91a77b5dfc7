/** The {@code vyre} command: list backends, run the conformance suite, run the demo workload. */
module dev.vyre.cli {
    requires dev.vyre.api;
    requires dev.vyre.conformance;
    requires dev.vyre.uring;
    requires info.picocli;
    requires HdrHistogram;
    requires jdk.jfr;
    opens dev.vyre.cli to info.picocli;
}
