package io.herald.engine.retention;

import java.util.Map;

/**
 * Retention per channel namespace ({@code user}, {@code topic}, ...), as the dispatcher is configured
 * ({@code herald.dispatcher.retention.*}); {@code heraldctl} reads the same keys from the dispatcher's
 * configuration.
 *
 * @param defaults   {@code herald.dispatcher.retention.default.*}: used for every namespace without an override;
 *                   absent means {@link RetentionDefaults#DEFAULT}
 * @param namespaces {@code herald.dispatcher.retention.namespaces.<ns>.*}: overrides; a field left out takes
 *                   the default's value
 */
public record RetentionSettings(RetentionDefaults defaults, Map<String, RetentionOverride> namespaces) {

    /** Every namespace with the built-in default. */
    public static final RetentionSettings DEFAULT = new RetentionSettings(null, null);

    public RetentionSettings {
        defaults = defaults == null ? RetentionDefaults.DEFAULT : defaults;
        namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
    }
}
