package io.herald.ops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.redis.Retention;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.engine.retention.RetentionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.FileSystemResource;

class DispatcherConfigTest {

    private static final List<String> CHANNELS = List.of("user:42", "broadcast:all", "topic:news", "tenant:acme");

    @TempDir
    Path dir;

    @Test
    void withNothingConfiguredHeraldctlHasTheDispatchersBuiltInDefaults() throws IOException {
        DispatcherConfig none = DispatcherConfig.load(null, Map.of());

        assertThat(none.retention().of(ChannelName.parse("user:42"))).isEqualTo(Retention.DEFAULT);
        assertThat(none.envelopeLimits()).isEqualTo(EnvelopeLimits.DEFAULTS);
        assertThat(none.redis()).isEmpty();
        assertThat(none.bootstrapServers()).isEmpty();
        assertThat(none.topic()).isEmpty();
        // the dispatcher's own configuration file as shipped, with no retention written in it
        Path shipped = dir.resolve("dispatcher.yml");
        try (InputStream in = DispatcherProperties.class.getResourceAsStream("/dispatcher.yml")) {
            Files.copy(in, shipped);
        }
        assertSameRetention(shipped, DispatcherConfig.load(shipped, Map.of()).retention());
        assertThat(DispatcherConfig.load(shipped, Map.of()).retention().of(ChannelName.parse("user:42"))).isEqualTo(Retention.DEFAULT);
    }

    @Test
    void readsTheRetentionTheDispatcherBindsFromTheSameFile() throws IOException {
        Path file = write("application.yml", """
                herald:
                  dispatcher:
                    retention:
                      default:
                        ttl: 2h
                      namespaces:
                        broadcast:
                          max-len: 10000
                          ttl: 7d
                        user:
                          meta-ttl: 30d
                        topic:
                          max-len: 50
                """);

        RetentionPolicy policy = DispatcherConfig.load(file, Map.of()).retention();

        assertThat(policy.of(ChannelName.parse("tenant:acme"))).isEqualTo(new Retention(1000, Duration.ofHours(2), Duration.ofDays(7)));
        assertThat(policy.of(ChannelName.parse("broadcast:all"))).isEqualTo(new Retention(10_000, Duration.ofDays(7), Duration.ofDays(7)));
        assertThat(policy.of(ChannelName.parse("user:42"))).isEqualTo(new Retention(1000, Duration.ofHours(2), Duration.ofDays(30)));
        assertSameRetention(file, policy);
    }

    @Test
    void theDispatchersEnvironmentVariablesWinOverItsFile() throws IOException {
        Path file = write("dispatcher.yml", """
                spring:
                  kafka:
                    bootstrap-servers: kafka-a:9092,kafka-b:9092
                herald:
                  envelope:
                    max-data-bytes: 4096
                  dispatcher:
                    retention:
                      default:
                        ttl: 2h
                """);

        DispatcherConfig config = DispatcherConfig.load(file, Map.of(
                "HERALD_DISPATCHER_RETENTION_DEFAULT_TTL", "1h",
                "HERALD_ENVELOPE_MAXDATABYTES", "1024",
                "SPRING_DATA_REDIS_URL", "redis://redis-a:6380"));

        assertThat(config.retention().of(ChannelName.parse("user:42")).ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.envelopeLimits()).isEqualTo(new EnvelopeLimits(1024));
        assertThat(config.bootstrapServers()).contains("kafka-a:9092,kafka-b:9092");
        assertThat(config.redis()).hasValueSatisfying(redis -> assertThat(redis.uri().getHost()).isEqualTo("redis-a"));
    }

    @Test
    void findsARedisClusterInTheDispatchersEnvironmentAlone() {
        DispatcherConfig config = DispatcherConfig.load(null, Map.of(
                "SPRING_DATA_REDIS_CLUSTER_NODES", "redis-1:6379,redis-2:6379,redis-3:6379"));

        assertThat(config.redis()).hasValueSatisfying(redis -> assertThat(redis.clusterNodes())
                .containsExactly("redis-1:6379", "redis-2:6379", "redis-3:6379"));
    }

    @Test
    void readsWhereTheDispatcherConnectsFromAPropertiesFile() throws IOException {
        Path file = write("application.properties", """
                spring.kafka.bootstrap-servers=kafka:9093
                spring.kafka.properties.security.protocol=SSL
                spring.data.redis.cluster.nodes=redis-1:7000,redis-2:7000
                herald.kafka.topic=acme.notifications
                herald.dispatcher.group-id=acme-dispatcher
                """);

        DispatcherConfig config = DispatcherConfig.load(file, Map.of());

        assertThat(config.bootstrapServers()).contains("kafka:9093");
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(config.redis()).hasValueSatisfying(redis -> assertThat(redis.isCluster()).isTrue());
        assertThat(config.topic()).contains("acme.notifications");
        assertThat(config.group()).contains("acme-dispatcher");
    }

    @Test
    void aSettingThatDoesNotReadNamesItsKey() throws IOException {
        DispatcherConfig notANumber = DispatcherConfig.load(write("a.yml", """
                herald.dispatcher.retention.namespaces.user.max-len: ten
                """), Map.of());
        assertThatThrownBy(notANumber::retention).isInstanceOf(InvalidDispatcherConfigException.class)
                .hasMessageContaining("herald.dispatcher.retention");

        DispatcherConfig refused = DispatcherConfig.load(write("b.yml", """
                herald.dispatcher.retention.namespaces.user.max-len: 0
                """), Map.of());
        assertThatThrownBy(refused::retention).isInstanceOf(InvalidDispatcherConfigException.class)
                .hasMessageContaining("maxLen must be >= 1");

        assertThatThrownBy(() -> DispatcherConfig.load(dir.resolve("missing.yml"), Map.of()))
                .isInstanceOf(InvalidDispatcherConfigException.class).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> DispatcherConfig.load(write("c.yml", "herald: [unclosed"), Map.of()))
                .isInstanceOf(InvalidDispatcherConfigException.class).hasMessageContaining("not valid YAML");
    }

    /** heraldctl's retention equals the one the dispatcher binds from the same file, for every kind of namespace. */
    private static void assertSameRetention(Path file, RetentionPolicy heraldctl) throws IOException {
        Binder binder = new Binder(ConfigurationPropertySources.from(
                new YamlPropertySourceLoader().load("dispatcher", new FileSystemResource(file))));
        DispatcherProperties dispatcher = binder.bindOrCreate("herald.dispatcher", DispatcherProperties.class);
        RetentionPolicy expected = new RetentionPolicy(dispatcher.retention().settings());
        for (String channel : CHANNELS) {
            assertThat(heraldctl.of(ChannelName.parse(channel))).as(channel).isEqualTo(expected.of(ChannelName.parse(channel)));
        }
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
