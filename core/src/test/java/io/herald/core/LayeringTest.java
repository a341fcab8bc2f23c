package io.herald.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Core is what every module and every producer shares: plain Java, so depending on it pulls in no framework. */
class LayeringTest {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.herald.core");

    @Test
    void coreUsesNeitherSpringNorLettuce() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.lettuce..")
                .because("core is plain Java; Herald's Redis pieces live in herald-redis")
                .check(core);
    }
}
