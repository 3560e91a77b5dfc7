package dev.vyre.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN section 2, enforced: the module rules hold for the main classes of every module on the
 * CLI's class path (protocol, api/spi, every backend, io-uring, conformance-tests, cli).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vyre");
    }

    @Test
    void protocolDependsOnNoOtherVyrePackage() {
        noClasses().that().resideInAPackage("dev.vyre.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vyre.api..", "dev.vyre.spi..",
                        "dev.vyre.backend..", "dev.vyre.uring..", "dev.vyre.conformance..", "dev.vyre.cli..",
                        "dev.vyre.bench..")
                .because("protocol knows no other module (DESIGN 2)").check(classes);
    }

    @Test
    void backendsDependOnApiSpiAndProtocolOnly() {
        noClasses().that().resideInAPackage("dev.vyre.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vyre.uring..", "dev.vyre.conformance..",
                        "dev.vyre.cli..", "dev.vyre.bench..")
                .because("backends depend on api only (DESIGN 2)").check(classes);
    }

    @Test
    void backendsNeverDependOnEachOther() {
        slices().matching("dev.vyre.backend.(*)..").should().notDependOnEachOther()
                .because("each backend is a plugin of its own (DESIGN 2)").check(classes);
    }

    @Test
    void onlyTheCliBenchAndTestsNameAConcreteBackendClass() {
        noClasses().that().resideOutsideOfPackages("dev.vyre.backend..", "dev.vyre.cli..", "dev.vyre.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.vyre.backend..")
                .because("everything else finds backends through ServiceLoader (DESIGN 2)").check(classes);
    }

    @Test
    void theSpiCarriesNoNativeBindingTypes() {
        noClasses().that().resideInAnyPackage("dev.vyre.spi..", "dev.vyre.api..")
                .should().dependOnClassesThat().resideInAnyPackage("jcuda..", "org.lwjgl..", "io.netty..")
                .because("the SPI must not leak JCuda, LWJGL or netty types (DESIGN 2)").check(classes);
    }
}
