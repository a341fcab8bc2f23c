package io.herald.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The engine runs in the dispatcher and in heraldctl alike: it must not need Spring, nor know either of them. */
class EngineLayeringTest {

    private final JavaClasses engine = new ClassFileImporter()
            // the module's own classes (target/classes), not its tests and not the whole classpath
            .importUrl(KafkaAccess.class.getProtectionDomain().getCodeSource().getLocation());

    @Test
    void theEngineDoesNotUseSpring() {
        noClasses().that().resideInAPackage("io.herald.engine..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .because("the engine is shared with heraldctl, which has no Spring application")
                .check(engine);
    }

    @Test
    void theEngineDoesNotKnowItsUsers() {
        noClasses().that().resideInAPackage("io.herald.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.dispatcher..", "io.herald.ops..")
                .check(engine);
    }
}
