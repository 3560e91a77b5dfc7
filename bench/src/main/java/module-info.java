/** Benchmarks: JMH micro benchmarks and the end-to-end latency harness. */
module dev.vyre.bench {
    requires dev.vyre.api;
    requires dev.vyre.uring;
    requires jdk.unsupported;
    requires HdrHistogram;
    requires jcuda;
    requires jmh.core;
    exports dev.vyre.bench;
}
