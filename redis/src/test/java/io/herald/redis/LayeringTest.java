package io.herald.redis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The services, heraldctl and the benchmarks make their Redis clients here, with or without Spring. */
class LayeringTest {

    private final JavaClasses redis = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.herald.redis");

    @Test
    void theRedisModuleUsesNoSpring() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .because("herald-redis is plain Java: the Spring services bind spring.data.redis.* through herald-redis-boot")
                .check(redis);
    }
}
