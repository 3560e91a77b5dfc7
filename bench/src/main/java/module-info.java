/** Benchmarks: JMH micro benchmarks and the end-to-end latency harness. */
module dev.vyre.bench {
    requires dev.vyre.api;
    requires dev.vyre.ir;
    requires dev.vyre.conformance;
    requires dev.vyre.uring;
    requires java.management;
    requires jdk.unsupported;
    requires HdrHistogram;
    requires jcuda;
    requires jmh.core;
    requires org.lwjgl;
    requires org.lwjgl.vulkan;
    requires org.lwjgl.shaderc;
    exports dev.vyre.bench;
}
