package dev.vyre.ir;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The IR knows the protocol and the JDK only, so any backend and any tool can take it (DESIGN 2). */
class IrArchitectureTest {

    @Test
    void theIrDependsOnTheProtocolAndTheJdkOnly() {
        JavaClasses ir = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vyre.ir");
        classes().that().resideInAPackage("dev.vyre.ir..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.vyre.ir..", "dev.vyre.protocol..", "java..",
                        "org.apiguardian..")
                .because("the IR is a shared vocabulary: no runtime, SPI, backend or native types").check(ir);
    }

    @Test
    void theIrNeverDependsOnItsTestSupport() {
        JavaClasses ir = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vyre.ir");
        noClasses().that().resideInAPackage("dev.vyre.ir").should().dependOnClassesThat()
                .resideInAPackage("dev.vyre.ir.testing..")
                .because("dev.vyre.ir.testing serves tests, fuzzers and benchmarks; the IR works without it")
                .check(ir);
    }
}
