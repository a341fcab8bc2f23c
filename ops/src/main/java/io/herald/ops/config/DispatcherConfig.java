package io.herald.ops.config;

import io.herald.core.envelope.EnvelopeLimits;
import io.herald.redis.RedisEndpoint;
import io.herald.redis.boot.RedisEndpointProperties;
import io.herald.engine.retention.RetentionDefaults;
import io.herald.engine.retention.RetentionOverride;
import io.herald.engine.retention.RetentionPolicy;
import io.herald.engine.retention.RetentionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The dispatcher's own configuration, read as the dispatcher reads it: its configuration file (YAML or properties,
 * the {@code application.yml} or {@code dispatcher.yml} it runs with) under the same environment variables
 * ({@code HERALD_DISPATCHER_RETENTION_DEFAULT_TTL}, {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}, ...), which win over the
 * file as they do in the service. heraldctl restores, inspects and checks dead letters with the dispatcher's
 * settings, never with a copy typed on its command line; a key neither sets takes the built-in default the
 * dispatcher has too.
 *
 * <p>Documents of the file that only apply to a profile ({@code spring.config.activate.on-profile}) are skipped:
 * heraldctl has no active profile.
 */
public final class DispatcherConfig {

    private static final String ON_PROFILE = "spring.config.activate.on-profile";

    private final Binder binder;

    private DispatcherConfig(List<PropertySource<?>> sources) {
        this.binder = new Binder(ConfigurationPropertySources.from(sources));
    }

    /**
     * @param file        the dispatcher's configuration file, or null for its environment variables alone
     * @param environment the environment variables
     * @throws InvalidDispatcherConfigException when the file cannot be read
     */
    public static DispatcherConfig load(Path file, Map<String, String> environment) {
        List<PropertySource<?>> sources = new ArrayList<>();
        sources.add(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.copyOf(environment)));
        if (file != null) {
            sources.addAll(read(file));
        }
        return new DispatcherConfig(sources);
    }

    private static List<PropertySource<?>> read(Path file) {
        if (!Files.isReadable(file)) {
            throw new InvalidDispatcherConfigException("cannot read " + file);
        }
        String name = file.getFileName().toString();
        PropertySourceLoader loader = name.endsWith(".properties") ? new PropertiesPropertySourceLoader()
                : new YamlPropertySourceLoader();
        try {
            return loader.load(name, new FileSystemResource(file)).stream()
                    .filter(source -> source.getProperty(ON_PROFILE) == null)
                    .toList();
        } catch (IOException | RuntimeException e) {
            throw new InvalidDispatcherConfigException(file + " is not valid " + (name.endsWith(".properties")
                    ? "properties" : "YAML") + ": " + e.getMessage(), e);
        }
    }

    /** {@code herald.dispatcher.retention.*}. */
    public RetentionPolicy retention() {
        return bound("herald.dispatcher.retention", () -> new RetentionPolicy(new RetentionSettings(
                binder.bind("herald.dispatcher.retention.default", RetentionDefaults.class).orElse(null),
                binder.bind("herald.dispatcher.retention.namespaces",
                        Bindable.mapOf(String.class, RetentionOverride.class)).orElse(null))));
    }

    /** {@code herald.envelope.max-data-bytes}. */
    public EnvelopeLimits envelopeLimits() {
        return bound("herald.envelope", () -> binder.bind("herald.envelope.max-data-bytes", Integer.class)
                .map(EnvelopeLimits::new).orElse(EnvelopeLimits.DEFAULTS));
    }

    /**
     * {@code spring.data.redis.*}, when the configuration has any of them: bound by the same record as in the
     * dispatcher and the edge, so the keys and their defaults mean the same here.
     */
    public Optional<RedisEndpoint> redis() {
        return bound("spring.data.redis", () -> Optional.ofNullable(binder.bind("spring.data.redis",
                RedisEndpointProperties.class).map(RedisEndpointProperties::endpoint).orElse(null)));
    }

    /** {@code spring.kafka.bootstrap-servers}. */
    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(list("spring.kafka.bootstrap-servers")).map(servers -> String.join(",", servers));
    }

    /** {@code spring.kafka.properties.*}: the Kafka client settings every client of the dispatcher gets (security). */
    public Map<String, String> kafkaProperties() {
        return bound("spring.kafka.properties", () -> binder.bind("spring.kafka.properties",
                Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
    }

    /** {@code herald.kafka.topic}. */
    public Optional<String> topic() {
        return Optional.ofNullable(string("herald.kafka.topic"));
    }

    /** {@code herald.dispatcher.group-id}. */
    public Optional<String> group() {
        return Optional.ofNullable(string("herald.dispatcher.group-id"));
    }

    private String string(String key) {
        return bound(key, () -> binder.bind(key, String.class).orElse(null));
    }

    private List<String> list(String key) {
        return bound(key, () -> binder.bind(key, Bindable.listOf(String.class)).orElse(null));
    }

    /** Runs a binding; a value that does not bind, or a setting the engine refuses, names the key. */
    private static <T> T bound(String key, Supplier<T> binding) {
        try {
            return binding.get();
        } catch (RuntimeException e) {
            throw new InvalidDispatcherConfigException(key + ": " + reason(e), e);
        }
    }

    private static String reason(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String own = error.getMessage();
        return cause == error || cause.getMessage() == null ? own : own + " (" + cause.getMessage() + ")";
    }
}
