package dev.vyre.backend.vulkan;

import dev.vyre.protocol.BackendException;

/**
 * Makes every loop of a custom opcode's GLSL body poll the abort flag. A Vulkan dispatch cannot be cancelled:
 * a body that loops forever without polling {@code vyre_abort_requested()} would keep its queue busy after
 * {@code close()}, and the process could not exit. So the backend inserts, at the top of each {@code for},
 * {@code while} and {@code do} body, a check that returns from the body once the flag is set, every
 * {@value #EVERY} iterations of that body (a counter local to the opcode's function keeps the flag's load off
 * tight loops). Nothing else changes, and no line break is added, so the compiler's line numbers still match
 * the body as written. Bodies lowered from the IR are left as they are ({@link #IR_BODY_PREFIX}).
 *
 * <p>A loop body in braces gets the check after its opening brace; an empty body ({@code while (c);}) and an unbraced
 * simple statement ({@code for (...) x = f(x);}) are put in braces with the check first. An unbraced compound
 * body ({@code for (...) if (c) ...}) is refused with a fix, since where it ends is not found without parsing GLSL.
 */
final class GlslAbortPolls {

    /** Iterations of a loop body between two loads of the abort flag. */
    static final int EVERY = 1024;
    /** The counter the inserted checks share, declared first in each custom opcode's function. */
    static final String COUNTER = "uint vyre_polls = 0u;";
    static final String CHECK = " if (++vyre_polls >= " + EVERY + "u) { vyre_polls = 0u;"
            + " if (vyre_abort_requested()) return; }";

    private GlslAbortPolls() {
    }

    /**
     * How the IR's GLSL lowering ({@code IrOpcodes.glsl}) begins a body. IR loops are bounded (docs/IR.md), so
     * such a body gets no polls: it runs exactly as on every other backend, even when a slot stores SHUTDOWN
     * while it runs.
     */
    static final String IR_BODY_PREFIX = "// vyre IR glsl body, program sha256 ";

    /**
     * @param opcode the opcode, for error messages
     * @return the function body for {@code body}: the counter declaration, then the body with {@link #CHECK}
     *         after the opening brace of every loop body (an IR body unchanged, without the counter)
     * @throws BackendException when a loop's unbraced body is not one simple statement
     */
    static String functionBody(int opcode, String body) {
        return body.startsWith(IR_BODY_PREFIX) ? body : COUNTER + " " + insert(opcode, body);
    }

    /**
     * @param opcode the opcode, for error messages
     * @return {@code body} with {@link #CHECK} after the opening brace of every loop body
     * @throws BackendException when a loop's unbraced body is not one simple statement
     */
    static String insert(int opcode, String body) {
        StringBuilder out = new StringBuilder(body.length() + 256);
        java.util.BitSet tails = new java.util.BitSet(); // where a do-body's closing "while" starts
        int i = 0;
        int n = body.length();
        while (i < n) {
            int skipped = skipSpaceAndComments(body, i);
            if (skipped != i) {
                out.append(body, i, skipped);
                i = skipped;
                continue;
            }
            char c = body.charAt(i);
            if (!Character.isJavaIdentifierStart(c)) {
                out.append(c);
                i++;
                continue;
            }
            int end = i;
            while (end < n && Character.isJavaIdentifierPart(body.charAt(end))) {
                end++;
            }
            String word = body.substring(i, end);
            boolean tail = word.equals("while") && tails.get(i);
            out.append(word);
            i = end;
            if (word.equals("do")) {
                int brace = skipSpaceAndComments(body, i);
                if (brace < n && body.charAt(brace) == '{') {
                    out.append(body, i, brace + 1).append(CHECK);
                    tails.set(skipSpaceAndComments(body, matchingClose(opcode, body, brace, '{', '}') + 1));
                    i = brace + 1;
                } else {
                    int last = simpleStatementEnd(opcode, body, brace, "do");
                    out.append(body, i, brace).append('{').append(CHECK).append(' ').append(body, brace, last + 1)
                            .append(" }");
                    tails.set(skipSpaceAndComments(body, last + 1));
                    i = last + 1;
                }
            } else if ((word.equals("for") || word.equals("while")) && !tail) {
                int open = skipSpaceAndComments(body, i);
                if (open >= n || body.charAt(open) != '(') {
                    continue; // not a loop header (an identifier named so cannot exist in GLSL; leave it to the compiler)
                }
                int close = matchingClose(opcode, body, open, '(', ')');
                int next = skipSpaceAndComments(body, close + 1);
                if (next < n && body.charAt(next) == '{') {
                    out.append(body, i, next + 1).append(CHECK);
                    i = next + 1;
                } else if (next < n && body.charAt(next) == ';') {
                    out.append(body, i, next).append('{').append(CHECK).append(" }");
                    i = next + 1;
                } else {
                    int last = simpleStatementEnd(opcode, body, next, word);
                    out.append(body, i, next).append('{').append(CHECK).append(' ').append(body, next, last + 1)
                            .append(" }");
                    i = last + 1;
                }
            }
        }
        return out.toString();
    }

    /**
     * The end of an unbraced loop body that is one simple statement (an expression or a declaration): the
     * {@code ;} that ends it outside brackets.
     *
     * @throws BackendException when the body is a compound statement ({@code if}, a loop, {@code switch}) or
     *         has no {@code ;}
     */
    private static int simpleStatementEnd(int opcode, String body, int start, String loop) {
        int wordEnd = start;
        while (wordEnd < body.length() && Character.isJavaIdentifierPart(body.charAt(wordEnd))) {
            wordEnd++;
        }
        String first = body.substring(start, wordEnd);
        if (first.equals("if") || first.equals("for") || first.equals("while") || first.equals("do")
                || first.equals("switch")) {
            throw unbraced(opcode, body, start, loop);
        }
        int end = endAtDepthZero(body, start, "([{", ")]}", ';');
        if (end >= 0) {
            return end;
        }
        throw unbraced(opcode, body, start, loop);
    }

    /** @return the index of the first character at or after {@code i} that is not space or a comment */
    private static int skipSpaceAndComments(String s, int i) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '#' && atLineStart(s, i)) {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else {
                return i;
            }
        }
        return n;
    }

    private static boolean atLineStart(String s, int i) {
        for (int k = i - 1; k >= 0; k--) {
            char c = s.charAt(k);
            if (c == '\n') {
                return true;
            }
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** @return the index of the bracket closing the one at {@code open}, comments skipped */
    private static int matchingClose(int opcode, String s, int open, char opening, char closing) {
        int close = endAtDepthZero(s, open, String.valueOf(opening), String.valueOf(closing), closing);
        if (close >= 0) {
            return close;
        }
        throw new BackendException("custom opcode 0x" + Integer.toHexString(opcode) + "'s glsl body has an unclosed '"
                + opening + "' at line " + line(s, open), "close it: the body must be whole statements (docs/PROTOCOL.md,"
                + " Custom opcodes)");
    }

    /**
     * @return the first index from {@code start}, outside comments, holding {@code stop} with the bracket depth
     *         (brackets in {@code opens} and {@code closes}, that character counted) back at 0; -1 when none
     */
    private static int endAtDepthZero(String s, int start, String opens, String closes, char stop) {
        int depth = 0;
        for (int i = skipSpaceAndComments(s, start); i < s.length(); i = skipSpaceAndComments(s, i + 1)) {
            char c = s.charAt(i);
            if (opens.indexOf(c) >= 0) {
                depth++;
            } else if (closes.indexOf(c) >= 0) {
                depth--;
            }
            if (depth == 0 && c == stop) {
                return i;
            }
        }
        return -1;
    }

    private static BackendException unbraced(int opcode, String body, int at, String loop) {
        return new BackendException("custom opcode 0x" + Integer.toHexString(opcode) + "'s glsl body has a '" + loop
                + "' loop at line " + line(body, at) + " whose unbraced body is not one simple statement; the Vulkan"
                + " backend makes every loop body poll the abort flag and cannot find where this one ends",
                "write the loop's body as { ... } (docs/PROTOCOL.md, Custom opcodes)");
    }

    private static int line(String s, int at) {
        int line = 1;
        for (int k = 0; k < at && k < s.length(); k++) {
            if (s.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }
}
