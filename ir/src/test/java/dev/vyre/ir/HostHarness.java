package dev.vyre.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.testing.BoundedSlotContext;
import dev.vyre.ir.testing.IrProgramGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs emitted bodies on the host: it compiles them as C++ (g++ with UndefinedBehaviorSanitizer, any
 * report fatal) over a host model of the megakernel's helpers as docs/PROTOCOL.md ("Custom opcodes")
 * specifies them, runs every program on every case, and compares each control buffer with the
 * evaluator's. GLSL bodies compile as C++ through a small shim of the GLSL built-ins they use
 * ({@code uvec2}, {@code uaddCarry}, {@code usubBorrow}, {@code umulExtended}, {@code max}); since C++
 * makes over-wide shifts, signed overflow and division by zero undefined, the sanitizer also checks
 * that the text never relies on GLSL's undefined cases.
 */
final class HostHarness {

    /** Slots the cases run in (0 .. SLOTS - 1): the generated programs observe their results in their slot's window. */
    static final int SLOTS = 8;
    /** Control words of the cases: the windows of slots 0 .. {@link #SLOTS} - 1 ({@link IrProgramGenerator}). */
    static final int CONTROL_WORDS = IrProgramGenerator.controlWords(SLOTS);

    /** One slot's inputs. */
    record Case(int opcode, int slot, int tenant, int[] args, int[] control, byte[] data) {
        BoundedSlotContext context() {
            return new BoundedSlotContext(control.clone(), data.clone()).args(args).identity(opcode, slot, tenant);
        }
    }

    private static final String COMMON = """
            #include <cstdio>
            #include <cstring>
            typedef unsigned int u32;
            typedef unsigned long long u64;
            struct Case { u32 opcode, slot, tenant; u32 args[12]; u32 controlWords; const u32* control; u32 dataBytes;
                const unsigned char* data; };
            """;

    static final String CUDA_PRELUDE = """
            struct VyreCtx { u32* control; u64 controlWords; const unsigned char* data; u64 dataBytes;
                u32 slot, tenant, opcode, a0, a1, a2; const u32* payload; };
            static u32 vyre_load_control(const VyreCtx& c, u64 i) { return i < c.controlWords ? c.control[i] : 0u; }
            static void vyre_store_control(const VyreCtx& c, u64 i, u32 v) { if (i < c.controlWords) c.control[i] = v; }
            static u32 vyre_atomic_add_control(const VyreCtx& c, u64 i, u32 v) {
                if (i >= c.controlWords) return 0u; u32 o = c.control[i]; c.control[i] = o + v; return o; }
            static u32 vyre_cas_control(const VyreCtx& c, u64 i, u32 e, u32 d) {
                if (i >= c.controlWords) return 0u; u32 o = c.control[i]; if (o == e) c.control[i] = d; return o; }
            static u32 vyre_load_data_byte(const VyreCtx& c, u64 off) { return off < c.dataBytes ? (u32)c.data[off] : 0u; }
            static u32 vyre_load_data_word(const VyreCtx& c, u64 w) {
                if (w >= (c.dataBytes >> 2)) return 0u; const unsigned char* p = c.data + (w << 2);
                return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24); }
            static u32 vyre_arg(const VyreCtx& c, u32 i) {
                if (i == 0) return c.a0; if (i == 1) return c.a1; if (i == 2) return c.a2; return i < 12 ? c.payload[i] : 0u; }
            #define VYRE_PARAMS VyreCtx& ctx
            static VyreCtx vyre_ctx(const Case& k, u32* control) {
                VyreCtx c; c.control = control; c.controlWords = k.controlWords; c.data = k.data; c.dataBytes = k.dataBytes;
                c.slot = k.slot; c.tenant = k.tenant; c.opcode = k.opcode; c.a0 = k.args[0]; c.a1 = k.args[1];
                c.a2 = k.args[2]; c.payload = k.args; return c; }
            #define VYRE_CALL(f, k, control) { VyreCtx ctx = vyre_ctx(k, control); f(ctx); }
            """;

    private static final String GLSL_PRELUDE = """
            typedef unsigned int uint;
            struct uvec2 { uint x, y; uvec2() : x(0u), y(0u) {} explicit uvec2(uint v) : x(v), y(v) {}
                uvec2(uint a, uint b) : x(a), y(b) {} };
            static bool operator==(uvec2 a, uvec2 b) { return a.x == b.x && a.y == b.y; }
            static bool operator!=(uvec2 a, uvec2 b) { return !(a == b); }
            static uvec2 operator&(uvec2 a, uvec2 b) { return uvec2(a.x & b.x, a.y & b.y); }
            static uvec2 operator|(uvec2 a, uvec2 b) { return uvec2(a.x | b.x, a.y | b.y); }
            static uvec2 operator^(uvec2 a, uvec2 b) { return uvec2(a.x ^ b.x, a.y ^ b.y); }
            static uvec2 operator~(uvec2 a) { return uvec2(~a.x, ~a.y); }
            static uint uaddCarry(uint a, uint b, uint& carry) { uint r = a + b; carry = r < a ? 1u : 0u; return r; }
            static uint usubBorrow(uint a, uint b, uint& borrow) { borrow = a < b ? 1u : 0u; return a - b; }
            static void umulExtended(uint a, uint b, uint& hi, uint& lo) {
                u64 p = (u64)a * b; hi = (uint)(p >> 32); lo = (uint)p; }
            static uint max(uint a, uint b) { return a > b ? a : b; }
            static uint vyre_slot, vyre_tenant, vyre_opcode, vyre_a0, vyre_a1, vyre_a2, vyre_payload[12];
            static uint* C; static uint CW; static const unsigned char* DATA; static uint DBYTES;
            static uint vyre_control_words() { return CW; }
            static uint vyre_load_control(uint i) { return i < CW ? C[i] : 0u; }
            static void vyre_store_control(uint i, uint v) { if (i < CW) C[i] = v; }
            static uint vyre_atomic_add_control(uint i, uint v) { if (i >= CW) return 0u; uint o = C[i]; C[i] = o + v; return o; }
            static uint vyre_cas_control(uint i, uint e, uint d) { if (i >= CW) return 0u; uint o = C[i]; if (o == e) C[i] = d; return o; }
            static uint vyre_data_bytes() { return DBYTES; }
            static uint vyre_load_data_byte(uint off) { return off < DBYTES ? (uint)DATA[off] : 0u; }
            static uint vyre_load_data_word(uint w) {
                if (w >= (DBYTES >> 2u)) return 0u; const unsigned char* p = DATA + ((u64)w << 2);
                return (uint)p[0] | ((uint)p[1] << 8) | ((uint)p[2] << 16) | ((uint)p[3] << 24); }
            static uint vyre_arg(uint i) {
                if (i == 0u) return vyre_a0; if (i == 1u) return vyre_a1; if (i == 2u) return vyre_a2; return i < 12u ? vyre_payload[i] : 0u; }
            #define VYRE_PARAMS
            #define VYRE_CALL(f, k, control) { C = control; CW = k.controlWords; DATA = k.data; DBYTES = k.dataBytes; \\
                vyre_slot = k.slot; vyre_tenant = k.tenant; vyre_opcode = k.opcode; vyre_a0 = k.args[0]; vyre_a1 = k.args[1]; \\
                vyre_a2 = k.args[2]; std::memcpy(vyre_payload, k.args, sizeof vyre_payload); f(); }
            """;

    private HostHarness() {
    }

    /**
     * @return {@code n} random cases in slots 0 .. {@link #SLOTS} - 1 with {@code controlWords} control words and
     *         data buffers of 0..70 bytes
     */
    static List<Case> cases(Random rnd, int n, int controlWords) {
        int[] hostile = {0, 1, 31, 32, 33, 63, 64, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 160, 0xFFFF_FFF0};
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] args = new int[Ir.ARGS];
            for (int a = 0; a < args.length; a++) {
                args[a] = rnd.nextBoolean() ? hostile[rnd.nextInt(hostile.length)] : rnd.nextInt();
            }
            int[] control = new int[controlWords];
            for (int w = 0; w < control.length; w++) {
                control[w] = rnd.nextInt(4) == 0 ? hostile[rnd.nextInt(hostile.length)] : rnd.nextInt();
            }
            byte[] data = new byte[i == 0 ? 0 : rnd.nextInt(71)];
            rnd.nextBytes(data);
            cases.add(new Case(rnd.nextInt(), rnd.nextInt(SLOTS), rnd.nextInt(4), args, control, data));
        }
        return cases;
    }

    /**
     * Compiles and runs {@code programs} lowered to {@code dialect} on every case and asserts each final
     * control buffer equals the evaluator's.
     */
    static void assertSameAsEvaluator(Path dir, String dialect, List<Program> programs, List<Case> cases)
            throws IOException, InterruptedException {
        boolean glsl = dialect.equals(IrOpcodes.GLSL);
        assertSameAsEvaluator(dir, dialect, glsl ? IrOpcodes::glsl : IrOpcodes::cudaC, glsl ? GLSL_PRELUDE : CUDA_PRELUDE,
                programs, cases);
    }

    /**
     * Like {@link #assertSameAsEvaluator(Path, String, List, List)} for any lowering whose bodies compile over
     * {@code prelude} ({@link #CUDA_PRELUDE}: helpers that take {@code ctx} first and u64 indices).
     */
    static void assertSameAsEvaluator(Path dir, String dialect, java.util.function.Function<Program, String> lowering,
                                      String prelude, List<Program> programs, List<Case> cases)
            throws IOException, InterruptedException {
        StringBuilder src = new StringBuilder(COMMON).append(prelude);
        for (int p = 0; p < programs.size(); p++) {
            String body = lowering.apply(programs.get(p));
            src.append("static void prog_").append(p).append("(VYRE_PARAMS) {\n").append(body).append("}\n");
        }
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            src.append("static const u32 control_").append(c).append("[] = {").append(join(k.control())).append("};\n");
            src.append("static const unsigned char data_").append(c).append("[] = {");
            for (int b = 0; b < k.data().length; b++) {
                src.append(b > 0 ? "," : "").append(k.data()[b] & 0xFF);
            }
            src.append(k.data().length == 0 ? "0};\n" : "};\n");
        }
        src.append("int main() {\n    static u32 control[").append(cases.get(0).control().length + 1).append("];\n");
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            src.append("    { Case k = {").append(Integer.toUnsignedString(k.opcode())).append("u, ").append(k.slot())
                    .append("u, ").append(k.tenant()).append("u, {").append(join(k.args())).append("}, ")
                    .append(k.control().length).append("u, control_").append(c).append(", ").append(k.data().length)
                    .append("u, data_").append(c).append("};\n");
            for (int p = 0; p < programs.size(); p++) {
                src.append("      std::memcpy(control, k.control, sizeof(u32) * k.controlWords); VYRE_CALL(prog_").append(p)
                        .append(", k, control);\n      std::printf(\"").append(p).append(' ').append(c)
                        .append("\"); for (u32 w = 0; w < k.controlWords; w++) std::printf(\" %u\", control[w]);")
                        .append(" std::printf(\"\\n\");\n");
            }
            src.append("    }\n");
        }
        src.append("    return 0;\n}\n");

        Path cpp = dir.resolve("bodies.cpp");
        Path exe = dir.resolve("bodies");
        Files.writeString(cpp, src);
        Tools.run(dir, List.of("g++", "-std=c++17", "-O1", "-w", "-fsanitize=undefined", "-fno-sanitize-recover=all",
                "-o", exe.toString(), cpp.toString()), 300);
        String out = Tools.run(dir, List.of(exe.toString()), 120);
        String[] lines = out.split("\n");
        assertEquals(programs.size() * cases.size(), lines.length, "one line per program and case");
        int line = 0;
        for (int c = 0; c < cases.size(); c++) {
            for (int p = 0; p < programs.size(); p++) {
                String[] f = lines[line++].trim().split(" ");
                assertEquals(p + " " + c, f[0] + " " + f[1]);
                int[] got = new int[f.length - 2];
                for (int w = 0; w < got.length; w++) {
                    got[w] = Integer.parseUnsignedInt(f[w + 2]);
                }
                BoundedSlotContext ctx = cases.get(c).context();
                Program program = programs.get(p);
                new IrHandler(program).execute(ctx);
                assertArrayEquals(ctx.control(), got, () -> dialect + " body differs from the evaluator; program:\n"
                        + program + "\nbody:\n" + lowering.apply(program));
            }
        }
    }

    private static String join(int[] words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            s.append(i > 0 ? "," : "").append(Integer.toUnsignedString(words[i])).append('u');
        }
        return s.toString();
    }

    /** Runs external tools for the tests. */
    static final class Tools {
        private Tools() {
        }

        /** @return true when {@code name} is an executable on the PATH */
        static boolean onPath(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return false;
            }
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return true;
                }
            }
            return false;
        }

        /** What a tool printed. */
        record Output(String out, String err) {
        }

        /**
         * Runs {@code command} in {@code dir}; fails the test on a non-zero exit.
         *
         * @return its standard output
         */
        static String run(Path dir, List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
            return runCapturing(dir, command, timeoutSeconds).out();
        }

        /**
         * Runs {@code command} in {@code dir}; fails the test on a non-zero exit.
         *
         * @return its standard output and standard error
         */
        static Output runCapturing(Path dir, List<String> command, int timeoutSeconds)
                throws IOException, InterruptedException {
            Path log = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(log.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " ran past " + timeoutSeconds + " s");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
                        + (stderr.length() > 8000 ? stderr.substring(0, 8000) : stderr));
            }
            return new Output(Files.readString(log, StandardCharsets.UTF_8), stderr);
        }
    }
}
