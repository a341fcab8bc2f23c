package io.herald.ops;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * heraldctl uses the engine and reads the dispatcher's configuration, never the dispatcher service's classes (its
 * tests run a dispatcher, so the service is on the test classpath: this is what keeps it out of heraldctl).
 */
class OpsLayeringTest {

    private final JavaClasses heraldctl = new ClassFileImporter()
            // the module's own classes (target/classes), not its tests and not the whole classpath
            .importUrl(Heraldctl.class.getProtectionDomain().getCodeSource().getLocation());

    @Test
    void heraldctlDoesNotUseTheDispatcherService() {
        noClasses().that().resideInAPackage("io.herald.ops..")
                .should().dependOnClassesThat().resideInAPackage("io.herald.dispatcher..")
                .because("the dispatcher and heraldctl share the engine (io.herald.engine), not each other")
                .check(heraldctl);
    }
}
