package dev.vyre.cli;

/**
 * Turns an error text into the one line a command prints: the first line only, with exactly one
 * {@code Fix:}. Texts without a fix get {@code defaultFix}; texts that carry several (an error that
 * wraps another's reason) keep every remedy, joined with {@code "; or "}.
 */
final class OneLine {

    private static final String FIX = "Fix:";

    private OneLine() {
    }

    /**
     * @param text       an error message (may be null, blank or span several lines)
     * @param defaultFix the remedy to add when {@code text} has none
     * @return one line ending in {@code Fix: <remedy>}, with {@code Fix:} exactly once
     */
    static String of(String text, String defaultFix) {
        String line = text == null ? "" : text.strip();
        int eol = line.indexOf('\n');
        if (eol >= 0) {
            line = line.substring(0, eol).strip();
        }
        line = escapeControls(line);
        int first = line.indexOf(FIX);
        if (first < 0) {
            String problem = trimEnd(line);
            return (problem.isEmpty() ? "failed" : problem) + ". " + FIX + " " + defaultFix;
        }
        String problem = trimEnd(line.substring(0, first));
        StringBuilder fixes = new StringBuilder();
        int at = first;
        while (at >= 0) {
            int next = line.indexOf(FIX, at + FIX.length());
            String fix = trimEnd(line.substring(at + FIX.length(), next < 0 ? line.length() : next));
            if (!fix.isEmpty()) {
                fixes.append(fixes.isEmpty() ? "" : fix.startsWith("or ") ? "; " : "; or ").append(fix);
            }
            at = next;
        }
        if (fixes.isEmpty()) {
            fixes.append(defaultFix);
        }
        return (problem.isEmpty() ? "failed" : problem) + ". " + FIX + " " + fixes;
    }

    /** @return {@code t}'s message as one line with one fix; the class name stands in for a missing message */
    static String of(Throwable t, String defaultFix) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            message = t.getClass().getSimpleName();
        }
        return of(message, defaultFix);
    }

    /**
     * @return {@code s} with every control or line-separating character but tab written as an escape ({@code \r},
     *         {@code \u0085}, ...): a value echoed from the command line (a CRLF script's {@code 10\r}) must not
     *         break or overwrite the one line on a terminal
     */
    static String escapeControls(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\r') {
                    out.append("\\r");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static String trimEnd(String s) {
        String r = s.strip();
        while (!r.isEmpty() && ".;:,".indexOf(r.charAt(r.length() - 1)) >= 0) {
            r = r.substring(0, r.length() - 1).strip();
        }
        return r;
    }
}
