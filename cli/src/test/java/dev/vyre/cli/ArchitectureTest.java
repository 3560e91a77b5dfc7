package dev.vyre.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN section 2, enforced: the module rules hold for the main classes of every module on the
 * CLI's class path (protocol, spi, api, every backend, io-uring, conformance-tests, bench-peers, cli).
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
                        "dev.vyre.bench..", "dev.vyre.peer..")
                .because("protocol knows no other module (DESIGN 2)").check(classes);
    }

    @Test
    void theSpiKnowsOnlyTheProtocol() {
        noClasses().that().resideInAPackage("dev.vyre.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vyre.api..", "dev.vyre.backend..",
                        "dev.vyre.uring..", "dev.vyre.conformance..", "dev.vyre.cli..", "dev.vyre.bench..")
                .because("the SPI is for backend authors and depends on the protocol alone").check(classes);
    }

    @Test
    void theSpiHasNoBaseClassesWithHooks() {
        noClasses().that().resideInAPackage("dev.vyre.spi..").and().areNotInterfaces()
                .should().haveModifier(JavaModifier.ABSTRACT)
                .because("a driver is composed into the runtime, not derived from a base class").check(classes);
        noMethods().that().areDeclaredInClassesThat().resideInAPackage("dev.vyre.spi..")
                .should().beProtected()
                .because("no protected hook exists for one backend only").check(classes);
    }

    @Test
    void theRuntimeKnowsNoConcreteModule() {
        noClasses().that().resideInAPackage("dev.vyre.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vyre.backend..", "dev.vyre.uring..",
                        "dev.vyre.conformance..", "dev.vyre.cli..", "dev.vyre.bench..")
                .because("the runtime drives backends only through the SPI").check(classes);
    }

    @Test
    void backendsDependOnTheSpiAndProtocolOnly() {
        noClasses().that().resideInAPackage("dev.vyre.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vyre.api..", "dev.vyre.uring..",
                        "dev.vyre.conformance..", "dev.vyre.cli..", "dev.vyre.bench..")
                .because("backends implement the SPI and never reach into the runtime (DESIGN 2)").check(classes);
    }

    @Test
    void theOpenClBackendIsWrittenFromTheSpiAndProtocolAlone() {
        classes().that().resideInAPackage("dev.vyre.backend.opencl..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.vyre.backend.opencl..", "dev.vyre.spi..",
                        "dev.vyre.protocol..", "java..", "org.lwjgl..", "org.apiguardian..")
                .because("the third backend proves the SPI and docs/WRITING-A-BACKEND.md suffice (issue 13)")
                .check(classes);
    }

    @Test
    void backendsNeverDependOnEachOther() {
        slices().matching("dev.vyre.backend.(*)..").should().notDependOnEachOther()
                .because("each backend is a plugin of its own (DESIGN 2)").check(classes);
    }

    @Test
    void userCodeNeverImportsTheSpi() {
        noClasses().that().resideInAnyPackage("dev.vyre.cli..", "dev.vyre.uring..", "dev.vyre.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.vyre.spi..")
                .because("users program against dev.vyre.api; the SPI is for backend authors").check(classes);
    }

    @Test
    void onlyTheCliBenchAndTestsNameAConcreteBackendClass() {
        noClasses().that().resideOutsideOfPackages("dev.vyre.backend..", "dev.vyre.cli..", "dev.vyre.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.vyre.backend..")
                .because("everything else finds backends through ServiceLoader (DESIGN 2)").check(classes);
    }

    @Test
    void benchPeersDriveTheDeviceThemselvesAndUseNoBackendOrRuntime() {
        noClasses().that().resideInAPackage("dev.vyre.peer..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vyre.spi..", "dev.vyre.api..",
                        "dev.vyre.backend..", "dev.vyre.uring..", "dev.vyre.conformance..", "dev.vyre.cli..",
                        "dev.vyre.bench..")
                .because("a peer is the same operation without vyre: it drives the device directly").check(classes);
    }

    @Test
    void theCliFindsPeersOnlyThroughTheirInterface() {
        noClasses().that().resideInAPackage("dev.vyre.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.vyre.peer.cuda..")
                .because("vyre bench finds LaunchPeers plugins with ServiceLoader").check(classes);
        noClasses().that().resideInAPackage("dev.vyre.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("jcuda..", "org.lwjgl..")
                .because("the CLI links no native binding; backends and peer plugins do").check(classes);
    }

    @Test
    void theSpiAndApiCarryNoNativeBindingTypes() {
        noClasses().that().resideInAnyPackage("dev.vyre.spi..", "dev.vyre.api..", "dev.vyre.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("jcuda..", "org.lwjgl..", "io.netty..")
                .because("the SPI must not leak JCuda, LWJGL or netty types (DESIGN 2)").check(classes);
    }
}
