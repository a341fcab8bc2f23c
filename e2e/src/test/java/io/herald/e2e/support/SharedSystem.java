package io.herald.e2e.support;

import io.herald.e2e.system.HeraldSystem;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link HeraldSystem} parameters with one default system ({@link Systems#start(String, int)}: one
 * redis-server, one dispatcher, two edges) for every test class of the run that asks for it, kept in the root
 * context's store so JUnit closes it when the whole run ends. A system start is the dearest step of e2e (about
 * 20 s on the 2-core CI machine, JVMs starting side by side), so classes that can share one do; each must leave the
 * system as it found it (every fault repaired) and use channels of its own.
 *
 * <p>Use: {@code @ExtendWith(SharedSystem.class)}, {@code @Order(SharedSystem.ORDER)} and a {@code HeraldSystem}
 * parameter of a {@code @BeforeAll} method; never close it.
 */
public final class SharedSystem implements ParameterResolver {

    /**
     * The classes sharing the system run after every other class (junit-platform.properties orders classes by
     * {@code @Order}, the others having {@link Order#DEFAULT}), so that it does not idle through them: it is closed
     * when the run ends.
     */
    public static final int ORDER = Order.DEFAULT + 1;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSystem.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == HeraldSystem.class;
    }

    @Override
    public HeraldSystem resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(HeraldSystem.class, type -> Systems.start("shared", 2), HeraldSystem.class);
    }
}
