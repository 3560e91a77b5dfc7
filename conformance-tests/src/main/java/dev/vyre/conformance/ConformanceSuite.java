package dev.vyre.conformance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** An ordered list of conformance cases with unique names. */
public final class ConformanceSuite {

    private final List<ConformanceCase> cases;

    private ConformanceSuite(List<ConformanceCase> cases) {
        Set<String> names = new HashSet<>();
        for (ConformanceCase c : cases) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate conformance case name " + c.name());
            }
        }
        this.cases = List.copyOf(cases);
    }

    /** @return a suite of exactly {@code cases} */
    public static ConformanceSuite of(List<ConformanceCase> cases) {
        return new ConformanceSuite(cases);
    }

    /**
     * @return the standard suite every backend must pass: each opcode alone (vectors W, Appendix
     *         A), packed slots (vectors M), tenants, hostile and random slots, PRINTF overflow, the
     *         data buffer, custom opcodes, IR opcodes and the IR fuzzer, LOAD_MISS and the IO queue, mixed
     *         rings, persistent mode
     */
    public static ConformanceSuite standard() {
        List<ConformanceCase> all = new ArrayList<>();
        all.addAll(OpcodeCases.all());
        all.addAll(PackedCases.all());
        all.addAll(TenantCases.all());
        all.addAll(IsolationCases.all());
        all.addAll(HostileCases.all());
        all.addAll(PrintfCases.all());
        all.addAll(DataCases.all());
        all.addAll(CustomOpcodeCases.all());
        all.addAll(IrCases.all());
        all.addAll(IrFuzzCases.all());
        all.addAll(IoCases.all());
        all.addAll(MixedCases.all());
        all.addAll(PersistentCases.all());
        all.addAll(RunCases.all());
        return new ConformanceSuite(all);
    }

    /** @return the cases, in order */
    public List<ConformanceCase> cases() {
        return cases;
    }

    /**
     * @return the cases whose name contains {@code filter} (case-insensitive); all when blank
     */
    public ConformanceSuite filter(String filter) {
        if (filter == null || filter.isBlank()) {
            return this;
        }
        String f = filter.toLowerCase(Locale.ROOT);
        return new ConformanceSuite(cases.stream().filter(c -> c.name().toLowerCase(Locale.ROOT).contains(f)).toList());
    }
}
