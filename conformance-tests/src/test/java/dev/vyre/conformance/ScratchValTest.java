package dev.vyre.conformance;

import dev.vyre.api.Vyre;
import dev.vyre.backend.vulkan.VulkanBackend;
import dev.vyre.backend.vulkan.VulkanBackendProvider;
import dev.vyre.ir.*;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.spi.Backend;
import dev.vyre.spi.BackendProvider;
import dev.vyre.spi.Probe;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchValTest {
    record V(VulkanBackendProvider p, VulkanBackend b) implements BackendProvider {
        public String name() { return p.name(); }
        public int priority() { return p.priority(); }
        public Probe probe() { return p.probe(); }
        public Backend open() { return b; }
    }
    static CustomOpcodes set(Map<Integer, Program> m) {
        List<CustomOpcode> l = new ArrayList<>();
        new TreeMap<>(m).forEach((k, v) -> l.add(IrOpcodes.irOpcode(k, v)));
        return CustomOpcodes.of(l.toArray(CustomOpcode[]::new));
    }
    @Test
    void run() {
        boolean val = Boolean.getBoolean("val");
        VulkanBackendProvider provider = new VulkanBackendProvider();
        try (Vyre v = val ? Vyre.open(new V(provider, provider.openWithValidation())) : Vyre.open(provider)) {
            Map<Integer, Program> all = IrCases.programs();
            Map<String, Map<Integer, Program>> sets = new LinkedHashMap<>();
            sets.put("tiny", Map.of(0x2100, Program.build(b -> b.store(Ir.u32(160), Ir.arg(0)))));
            sets.put("all", all);
            for (var e : sets.entrySet()) {
                byte[] ring = Wire.ring(1);
                Wire.publish(ring, 0, 0, 0x7777, 1, 2);
                long t0 = System.nanoTime();
                v.dispatch(OnePass.request(Wire.control(false, 1, 64), ring).withOpcodes(set(e.getValue())));
                System.out.println("SCRATCH " + e.getKey() + " " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
    }
}
