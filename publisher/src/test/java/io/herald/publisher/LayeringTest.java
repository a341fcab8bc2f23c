package io.herald.publisher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Producer services embed this library: it must bring them Kafka's client and Jackson, no framework and no Redis. */
class LayeringTest {

    private final JavaClasses publisher = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.herald.publisher");

    @Test
    void thePublisherUsesNeitherSpringNorLettuce() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.lettuce..")
                .because("producer services depend on herald-publisher alone")
                .check(publisher);
    }
}
