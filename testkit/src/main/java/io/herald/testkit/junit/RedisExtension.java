package io.herald.testkit.junit;

import io.herald.testkit.redis.RedisServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link RedisServer} parameters with one server per top-level test class, kept in that class's
 * context store so JUnit closes it after the class. Registered by {@link WithRedis}.
 */
public final class RedisExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public RedisServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return topLevelClassContext(context).getStore(NAMESPACE)
                .computeIfAbsent(RedisServer.class, type -> RedisServer.fromEnvironmentOrStart(), RedisServer.class);
    }

    /** The outermost class context: constructors may be resolved in a method's context, nested classes in theirs. */
    private static ExtensionContext topLevelClassContext(ExtensionContext context) {
        ExtensionContext classContext = context;
        for (ExtensionContext current = context; current.getParent().isPresent(); current = current.getParent().get()) {
            if (current.getTestClass().isPresent() && current.getTestMethod().isEmpty()) {
                classContext = current;
            }
        }
        return classContext;
    }
}
