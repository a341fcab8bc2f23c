package io.herald.edge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The edge's packages by feature (each {@code package-info.java} says what it may use) stay a drawable graph: no
 * two packages lean on each other, directly or round a loop, and the edge uses no other service's code (what it
 * shares with them is in core).
 */
class EdgeLayeringTest {

    private static final JavaClasses EDGE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.herald.edge");

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("io.herald.edge.(*)..").should().beFreeOfCycles().check(EDGE);
    }

    @Test
    void edgeUsesNoOtherServicesCode() {
        noClasses().that().resideInAPackage("io.herald.edge..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.dispatcher..", "io.herald.ingest..")
                .check(EDGE);
    }
}
