package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.api.Vyre;
import dev.vyre.ir.IrHandler;
import dev.vyre.ir.Program;
import dev.vyre.ir.testing.IrProgramGenerator;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.CustomOpcodes;
import dev.vyre.protocol.OpcodeHandler;
import dev.vyre.protocol.SlotContext;
import dev.vyre.spi.Backend;
import dev.vyre.spi.PassRequest;
import dev.vyre.spi.PassResult;
import dev.vyre.spi.SessionDriver;
import dev.vyre.spi.SessionSpec;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IR fuzzer can fail: a backend that computes one slot's custom opcode wrongly (the reference backend
 * behind an SPI wrapper whose Java bodies flip one control word after running the program, one-pass and in a
 * session) fails the fuzz cases and the IR feature cases, and the failure names the slot, the program and its
 * encoding, which decodes back to the program.
 */
class IrFuzzerTest {

    private static Vyre reference;

    @BeforeAll
    static void open() {
        reference = ConformanceRunner.openOracle();
        assertNotNull(reference, "the reference backend is a test dependency of this module");
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    private static ConformanceCase named(String name) {
        return ConformanceSuite.standard().cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * @return a backend wrapper whose custom opcodes run their Java body and then, in ring slot {@code slot}
     *         only, flip bit 0 of control word {@code word}: a wrong result computed inside the backend
     */
    private static UnaryOperator<Backend> wrongInSlot(int slot, long word) {
        return backend -> new DelegatingBackend(backend) {
            @Override
            public PassResult dispatch(PassRequest r) {
                return inner.dispatch(new PassRequest(r.control(), r.ring(), r.debugLog(), r.ioQueue(), r.data(),
                        corrupt(r.opcodes(), slot, word), r.ioWaitTimeout()));
            }

            @Override
            public SessionDriver openSession(SessionSpec s) {
                return inner.openSession(new SessionSpec(s.slotCount(), s.tenantCount(), s.observableSlots(),
                        s.dataBufferBytes(), s.workers(), corrupt(s.opcodes(), slot, word), s.ioWaitTimeout()));
            }
        };
    }

    private static CustomOpcodes corrupt(CustomOpcodes opcodes, int slot, long word) {
        return CustomOpcodes.of(opcodes.entries().stream().map(op -> {
            OpcodeHandler h = op.handler();
            Map<String, Object> bodies = new LinkedHashMap<>(op.bodies());
            bodies.put(CustomOpcode.JAVA, (OpcodeHandler) (SlotContext c) -> {
                h.execute(c);
                if (c.slot() == slot) {
                    c.storeControl(word, c.loadControl(word) ^ 1);
                }
            });
            return new CustomOpcode(op.opcode(), bodies);
        }).toArray(CustomOpcode[]::new));
    }

    private static CaseResult runOnWrongBackend(String caseName, int slot, long word) {
        try (Vyre faulty = DelegatingBackend.open("faulty", wrongInSlot(slot, word))) {
            return new ConformanceRunner(reference).runCase(faulty, named(caseName));
        }
    }

    @Test
    void aWrongWordInOneSlotFailsTheOnePassFuzzCaseAndNamesItsProgram() {
        int slot = 5;
        long word = IrWindow.word(slot, IrProgramGenerator.WINDOW, 17);
        CaseResult r = runOnWrongBackend("ir/fuzz", slot, word);
        assertEquals(CaseStatus.FAILED, r.status(), r.detail());
        assertEquals(BufferKind.CONTROL, r.mismatch().buffer());
        assertEquals(word, r.mismatch().word());
        assertEquals(1, r.mismatch().expected() ^ r.mismatch().actual(), "bit 0 flipped");
        Program program = IrFuzzCases.batch(0, Map.of()).programs().get(slot / IrFuzzCases.SLOTS_PER_PROGRAM);
        assertTrue(r.detail().contains("slot 5 runs opcode 0x3002"), r.detail());
        assertTrue(r.detail().contains("program encoding " + HexFormat.of().formatHex(program.encode())), r.detail());
    }

    @Test
    void aWrongWordInASessionFailsTheSessionFuzzCase() {
        int slot = 2;
        long word = IrWindow.word(slot, IrProgramGenerator.WINDOW, IrProgramGenerator.WINDOW - 1);
        CaseResult r = runOnWrongBackend("ir/fuzz_session", slot, word);
        assertEquals(CaseStatus.FAILED, r.status(), r.detail());
        assertEquals(word, r.mismatch().word());
        assertTrue(r.detail().contains("slot 2 runs opcode 0x3001"), r.detail());
    }

    @Test
    void aWrongWordFailsAnIrFeatureCase() {
        long word = IrWindow.word(3, 16, 11);   // ir/arith_32, slot 3 (-7, 2): i32 -7 / 2
        CaseResult r = runOnWrongBackend("ir/arith_32", 3, word);
        assertEquals(CaseStatus.FAILED, r.status(), r.detail());
        assertEquals(word, r.mismatch().word());
        assertEquals(-3 & 0xFFFFFFFFL, r.mismatch().expected());
        CaseResult s = runOnWrongBackend("ir/arith_32_session", 3, word);
        assertEquals(CaseStatus.FAILED, s.status(), s.detail());
        assertEquals(word, s.mismatch().word());
    }

    @Test
    void theDivergenceGivesTheProgramsEncodingWhichDecodesToTheProgram() {
        IrFuzzer.Batch batch = IrFuzzer.batch(0xABCDL, 6, 2, false);
        IrFuzzer.Result ok = IrFuzzer.run(batch, reference, IrFuzzer.Mode.ONE_PASS);
        assertNull(ok.divergence(), () -> ok.divergence().describe());
        assertNotNull(ok.buffers());
        int slot = 7;
        long word = IrWindow.word(slot, IrProgramGenerator.WINDOW, 3);
        IrFuzzer.Result bad;
        try (Vyre faulty = DelegatingBackend.open("faulty", wrongInSlot(slot, word))) {
            bad = IrFuzzer.run(batch, faulty, IrFuzzer.Mode.ONE_PASS);
        }
        IrFuzzer.Divergence d = bad.divergence();
        assertNotNull(d, "the fuzzer must catch the wrong word");
        assertEquals(slot, d.slot());
        assertEquals("host model", d.against());
        assertEquals(batch.programs().get(3), d.program());
        String text = d.describe();
        Matcher m = Pattern.compile("--replay ([0-9a-f]+)").matcher(text);
        assertTrue(m.find(), text);
        Program decoded = Program.decode(HexFormat.of().parseHex(m.group(1)));
        assertEquals(d.program(), decoded);
        assertTrue(text.contains("--seed 0xabcd"), text);

        // the program alone, replayed, runs on the reference backend like the host model
        IrFuzzer.Result replay = IrFuzzer.run(IrFuzzer.replay(0xABCDL, decoded, 4), reference, IrFuzzer.Mode.SESSION);
        assertNull(replay.divergence());
    }

    @Test
    void compareFindsTheFirstDifferingWordBetweenTwoBackends() {
        IrFuzzer.Batch batch = IrFuzzer.batch(0x5151L, 4, 3, false);
        Buffers a = IrFuzzer.run(batch, reference, IrFuzzer.Mode.ONE_PASS).buffers();
        assertNull(IrFuzzer.compare(batch, "same", IrFuzzer.Mode.ONE_PASS, "reference", a, a.copy()));
        Buffers b = a.copy();
        long word = IrWindow.word(4, IrProgramGenerator.WINDOW, 20);
        Wire.setWord(b.control(), word, Wire.word(b.control(), word) + 1);
        IrFuzzer.Divergence d = IrFuzzer.compare(batch, "other", IrFuzzer.Mode.ONE_PASS, "reference", a, b);
        assertNotNull(d);
        assertEquals(word, d.mismatch().word());
        assertEquals(4, d.slot());
        assertEquals(batch.programs().get(1), d.program());
        Buffers c = a.copy();
        Wire.setWord(c.ring(), 16 * 2 + 0, 99);   // slot 2's status word
        assertEquals(2, IrFuzzer.compare(batch, "other", IrFuzzer.Mode.ONE_PASS, "reference", a, c).slot());
    }

    @Test
    void aBackendThatThrowsDiverges() {
        IrFuzzer.Batch batch = IrFuzzer.batch(0x7777L, 3, 1, false);
        IrFuzzer.Result r;
        try (Vyre faulty = DelegatingBackend.open("faulty", backend -> new DelegatingBackend(backend) {
            @Override
            public PassResult dispatch(PassRequest request) {
                throw new dev.vyre.protocol.BackendException("the compiler refused the body", "fix the lowering");
            }
        })) {
            r = IrFuzzer.run(batch, faulty, IrFuzzer.Mode.ONE_PASS);
        }
        assertNotNull(r.divergence());
        assertTrue(r.divergence().detail().contains("the compiler refused the body"), r.divergence().detail());
        assertTrue(r.divergence().describe().contains("--seed 0x7777 --batches 1"), r.divergence().describe());
    }

    @Test
    void batchesArePureFunctionsOfTheirSeed() {
        IrFuzzer.Batch a = IrFuzzer.batch(42, 8, 2, true);
        IrFuzzer.Batch b = IrFuzzer.batch(42, 8, 2, true);
        IrFuzzer.Batch c = IrFuzzer.batch(43, 8, 2, true);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(a.programs().get(i).encode(), b.programs().get(i).encode());
        }
        assertNotEquals(a.programs().get(5).fingerprint(), c.programs().get(5).fingerprint());
        assertTrue(a.programs().get(3).workBound() <= Program.WORK_BUDGET, "the maximal loop stays within the budget");
        assertTrue(a.programs().get(3).workBound() > Program.WORK_BUDGET * 9L / 10,
                "program 3 loops at the maximal bound: " + a.programs().get(3).workBound());
    }

    /**
     * The window rule that makes lane order irrelevant: every control word a generated program reads or writes
     * lies in its own slot's window (or outside the buffer, where the bounds rule stops it before memory).
     */
    @Test
    void generatedProgramsTouchOnlyTheirOwnWindow() {
        Random rnd = new Random(5);
        int checked = 0;
        for (long seed = 1; seed <= 40; seed++) {
            IrFuzzer.Batch batch = IrFuzzer.batch(seed, 6, 1, false);
            for (Program p : batch.programs()) {
                int slot = rnd.nextInt(1000);
                long first = IrWindow.word(slot, IrProgramGenerator.WINDOW, 0);
                RecordingContext ctx = new RecordingContext(slot, rnd);
                new IrHandler(p).execute(ctx);
                for (long w : ctx.touched) {
                    assertTrue(w >= first && w < first + IrProgramGenerator.WINDOW,
                            "slot " + slot + " touched control word " + w + ":\n" + p);
                }
                checked += ctx.touched.size();
            }
        }
        assertTrue(checked > 1000, "the programs reach control memory: " + checked);
    }

    /** A slot context over a control buffer of 2^31 - 1 words that records the in-range words touched. */
    private static final class RecordingContext implements SlotContext {
        final List<Long> touched = new java.util.ArrayList<>();
        final int slot;
        final int[] args = new int[12];

        RecordingContext(int slot, Random rnd) {
            this.slot = slot;
            for (int i = 0; i < args.length; i++) {
                args[i] = rnd.nextBoolean() ? rnd.nextInt() : new int[] {0, -1, 32, Integer.MIN_VALUE}[rnd.nextInt(4)];
            }
        }

        @Override
        public int opcode() {
            return 0x3000;
        }

        @Override
        public int slot() {
            return slot;
        }

        @Override
        public int tenant() {
            return 0;
        }

        @Override
        public int arg(int i) {
            return args[i];
        }

        @Override
        public long controlWords() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int loadControl(long word) {
            touched.add(word);
            return (int) word * 31;
        }

        @Override
        public void storeControl(long word, int value) {
            touched.add(word);
        }

        @Override
        public int atomicAddControl(long word, int delta) {
            touched.add(word);
            return 0;
        }

        @Override
        public int compareAndSwapControl(long word, int expected, int desired) {
            touched.add(word);
            return expected;
        }

        @Override
        public long dataBytes() {
            return 300;
        }

        @Override
        public int loadDataByte(long offset) {
            assertFalse(offset < 0 || offset >= 300, "data byte " + offset + " reached the context");
            return (int) (offset * 7) & 0xFF;
        }
    }
}
