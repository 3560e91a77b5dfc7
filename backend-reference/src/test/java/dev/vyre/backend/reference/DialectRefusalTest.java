package dev.vyre.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.DispatchRequest;
import dev.vyre.api.SessionOptions;
import dev.vyre.api.Vyre;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.UnsupportedFeatureException;
import dev.vyre.spi.Capabilities;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference backend declares the {@code java} dialect only and does not lower the IR itself: an
 * opcode with no Java body, such as one carrying only an IR ({@code vyre-ir}) or GLSL body, is refused
 * at registration (openSession and dispatch) with an UnsupportedFeatureException ending in "Fix:".
 */
class DialectRefusalTest {

    private static final CustomOpcodes NO_JAVA_BODY = CustomOpcodes.of(CustomOpcode.of(0x2001)
            .text(Capabilities.IR_DIALECT, "VllJUgEAAAAA").text("glsl", "vyre_store_control(160u, 1u);").build());

    @Test
    void theReferenceBackendDeclaresJavaAndNoNativeIrLowering() {
        try (ReferenceBackend backend = (ReferenceBackend) new ReferenceBackendProvider().open()) {
            Capabilities c = backend.capabilities();
            assertEquals(java.util.Set.of("java"), c.dialects());
            assertFalse(c.lowersIr());
            assertTrue(c.customOpcodes());
        }
    }

    @Test
    void anOpcodeWithNoBodyInTheBackendsDialectsIsRefusedAtRegistration() {
        try (Vyre vyre = Vyre.open("reference")) {
            UnsupportedFeatureException atOpen = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.openSession(SessionOptions.builder().opcodes(NO_JAVA_BODY).build()));
            assertRefusal(atOpen);
            UnsupportedFeatureException atDispatch = assertThrows(UnsupportedFeatureException.class,
                    () -> vyre.dispatch(DispatchRequest.of(Vir.control(false, 1, 0), Vir.ring(1), Vir.debugLog())
                            .withOpcodes(NO_JAVA_BODY)));
            assertRefusal(atDispatch);
        }
        assertEquals(List.of(), PersistentSessionTest.liveWorkers(), "nothing was started");
    }

    static void assertRefusal(UnsupportedFeatureException e) {
        String m = e.getMessage();
        assertEquals("reference", e.backend());
        assertTrue(m.contains("custom opcode 0x2001") && m.contains("vyre-ir") && m.contains("[java]"), m);
        assertTrue(m.matches("(?s).*\\. Fix: [^\\n]+"), "ends with the fix: " + m);
        assertEquals(m.indexOf("Fix:"), m.lastIndexOf("Fix:"), "one Fix: " + m);
    }
}
