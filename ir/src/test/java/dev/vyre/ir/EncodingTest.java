package dev.vyre.ir;

import static dev.vyre.ir.Messages.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodingTest {

    /** SHA-256 of the encoding of {@code Samples.crc32c(4096)}; changes only with the encoding's format version. */
    static final String CRC32C_FINGERPRINT = "daff8b88929565eb0ffa72872fc876c2d3977a123bd8843ad7cd4082d00b1694";

    @Test
    void roundTripsExactly() {
        java.util.List<Program> programs = new java.util.ArrayList<>(java.util.List.of(Samples.crc32c(4096)));
        programs.addAll(Samples.generated(1, 299, 10));
        for (Program p : programs) {
            byte[] bytes = p.encode();
            Program back = Program.decode(bytes);
            assertEquals(p, back);
            assertArrayEquals(bytes, back.encode());
            assertEquals(p.body(), back.body(), "the same nodes");
            assertEquals(p.toString(), back.toString());
            assertEquals(p.fingerprint(), back.fingerprint());
            assertEquals(p.workBound(), back.workBound());
        }
    }

    @Test
    void fingerprintIsStable() {
        Program p = Samples.crc32c(4096);
        assertEquals(CRC32C_FINGERPRINT, p.fingerprint());
        assertEquals(p.fingerprint(), Samples.crc32c(4096).fingerprint(), "equal programs, equal fingerprints");
        assertNotEquals(p.fingerprint(), Samples.crc32c(4097).fingerprint());
        assertEquals(64, p.fingerprint().length());
        byte[] bytes = p.encode();
        assertArrayEquals(new byte[] {'V', 'Y', 'I', 'R', 1}, Arrays.copyOf(bytes, 5), "magic and version");
    }

    @Test
    void encodingIsLittleEndianAndTagged() {
        Program p = Program.build(b -> b.store(Ir.u32(0x01020304), Ir.arg(11)));
        assertEquals("565949520101000000" + "04" + "2001" + "04030201" + "28" + "0b",
                HexFormat.of().formatHex(p.encode()));
    }

    @Test
    void refusesAWrongHeader() {
        assertRefused(() -> Program.decode(new byte[0]), "encoding byte 0", "truncated");
        assertRefused(() -> Program.decode("VYIX".getBytes()), "encoding byte 3", "magic");
        assertRefused(() -> Program.decode(new byte[] {'V', 'Y', 'I', 'R', 2, 0, 0, 0, 0}), "encoding byte 4",
                "version 2", "Fix: re-encode");
    }

    @Test
    void refusesEveryTruncationAndTrailingBytes() {
        byte[] bytes = Samples.crc32c(4096).encode();
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertRefused(() -> Program.decode(cut), "encoding", "truncated");
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertRefused(() -> Program.decode(longer), "encoding byte " + bytes.length, "1 bytes follow the end");
    }

    @Test
    void refusesMalformedNodes() {
        // header, one statement: store(const, const) = 04 | 20 01 xx xx xx xx | 20 01 xx xx xx xx
        String head = "565949520101000000";
        assertRefused(() -> decode(head + "09"), "encoding byte 9", "unknown statement tag 0x9");
        assertRefused(() -> decode(head + "04" + "2009"), "encoding byte 11", "unknown type code 9");
        assertRefused(() -> decode(head + "04" + "2000" + "02"), "encoding byte 10", "not 0 or 1");
        assertRefused(() -> decode(head + "04" + "2001" + "00000000" + "2103000000" + "01"), "encoding byte 17",
                "binding v3, which is not defined");
        assertRefused(() -> decode(head + "04" + "2001" + "00000000" + "2003" + "0000000000000000"), "encoding byte 9",
                "decodes to an invalid node: store", "control words hold 32 bits");
        assertRefused(() -> decode(head + "04" + "2001" + "00000000" + "280c"), "encoding byte 16", "arg(12)");
        assertRefused(() -> decode(head + "07" + "00000000" + "2001" + "00000000" + "00000000"), "encoding byte 9",
                "bound 0");
        assertRefused(() -> decode(head + "04" + "2001" + "00000000" + "2007"), "encoding", "unknown type code 7");
        assertRefused(() -> decode("5659495201" + "ffffffff"), "encoding byte 5", "declares 4294967295 statements");
        // var v0 then assign v0 with the wrong type recorded in the reference
        assertRefused(() -> decode("5659495201" + "02000000" + "02" + "200100000000" + "03" + "0000000002"
                + "200100000000"), "encoding", "assigns a u32 to a i32 variable");
    }

    @Test
    void refusesNestingPastTheLimits() {
        StringBuilder hex = new StringBuilder("565949520101000000" + "04" + "2001" + "00000000");
        for (int i = 0; i < 200; i++) {
            hex.append("2200");
        }
        hex.append("2800");
        assertRefused(() -> decode(hex.toString()), "encoding", "nested deeper than 128");
        // if (true) { if (true) { ... } } nested 20 deep
        StringBuilder blocks = new StringBuilder("5659495201" + "01000000");
        for (int i = 0; i < 20; i++) {
            blocks.append("06" + "200001" + "01000000");
        }
        assertRefused(() -> decode(blocks.toString()), "encoding", "blocks are nested deeper than 16 levels");
    }

    @Test
    void randomBytesAreRefusedWithAnIrException() {
        Random rnd = new Random(42);
        byte[] header = {'V', 'Y', 'I', 'R', 1};
        int decoded = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[rnd.nextInt(48)];
            rnd.nextBytes(b);
            if (i % 2 == 0 && b.length >= 5) {
                System.arraycopy(header, 0, b, 0, 5);
                if (b.length >= 9) {
                    b[5] = (byte) rnd.nextInt(3);
                    b[6] = b[7] = b[8] = 0;
                }
            }
            decoded += decodeOrRefuse(b);
        }
        assertTrue(decoded >= 0);
    }

    @Test
    void mutatedEncodingsAreRefusedOrCanonical() {
        Random rnd = new Random(43);
        int accepted = 0;
        for (Program program : Samples.generated(44, 400, 10)) {
            byte[] bytes = program.encode();
            for (int m = 0; m < 25; m++) {
                byte[] b = bytes.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    b[5 + rnd.nextInt(b.length - 5)] ^= (byte) (1 << rnd.nextInt(8));
                }
                accepted += decodeOrRefuse(b);
            }
        }
        assertTrue(accepted > 0, "some mutations (constants, operators) still decode: " + accepted);
    }

    /** @return 1 when {@code b} decodes (then it must re-encode to itself), 0 when it is refused properly */
    private static int decodeOrRefuse(byte[] b) {
        try {
            Program p = Program.decode(b);
            assertArrayEquals(b, p.encode(), "an accepted encoding is canonical");
            return 1;
        } catch (IrException e) {
            assertTrue(e.node().startsWith("encoding"), e.getMessage());
            Messages.assertFixed(e.getMessage());
            return 0;
        }
    }

    private static Program decode(String hex) {
        return Program.decode(HexFormat.of().parseHex(hex));
    }
}
