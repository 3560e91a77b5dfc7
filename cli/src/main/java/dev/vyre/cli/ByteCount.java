package dev.vyre.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a byte count option: digits with an optional binary suffix {@code K}, {@code M}, {@code G},
 * {@code T} (times 1024, 1024², ...; {@code KiB}, {@code MB} and lower case read the same), e.g.
 * {@code 1048576}, {@code 64K}, {@code 1G}. Range checks are the command's.
 */
final class ByteCount implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /** @throws TypeConversionException for anything that is not such a count, or that overflows a long */
    static long parse(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        for (String tail : new String[] {"IB", "B"}) {
            if (v.length() > tail.length() && v.endsWith(tail) && Character.isLetter(v.charAt(v.length() - tail.length() - 1))) {
                v = v.substring(0, v.length() - tail.length());
                break;
            }
        }
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift > 0) {
                v = v.substring(0, v.length() - 1).strip();
            } else {
                shift = 0;
            }
        }
        if (v.isEmpty() || !v.chars().allMatch(Character::isDigit)) {
            throw new TypeConversionException("'" + value + "' is not a byte count (e.g. 1048576, 64K, 1M, 2G)");
        }
        try {
            long n = Long.parseLong(v);
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is too large a byte count");
        }
    }
}
