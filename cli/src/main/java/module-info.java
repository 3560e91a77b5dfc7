/** The {@code vyre} command: list backends, run the conformance suite, run the demo workload. */
module dev.vyre.cli {
    requires dev.vyre.api;
    requires dev.vyre.conformance;
    requires dev.vyre.ir;
    requires dev.vyre.uring;
    requires dev.vyre.peer;
    requires info.picocli;
    requires HdrHistogram;
    requires jdk.jfr;
    opens dev.vyre.cli to info.picocli;
    uses dev.vyre.peer.LaunchPeers;
}
