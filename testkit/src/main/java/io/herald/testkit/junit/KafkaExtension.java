package io.herald.testkit.junit;

import io.herald.testkit.kafka.KafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KafkaBroker} parameters with one broker per JVM, kept in the root context's store so JUnit
 * closes it when the whole run ends. Registered by {@link WithKafka}.
 */
public final class KafkaExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public KafkaBroker resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(KafkaBroker.class, type -> KafkaBroker.fromEnvironmentOrStart(), KafkaBroker.class);
    }
}
