package io.herald.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration mistakes stop the service at startup instead of letting requests fail later. */
class ApiKeysTest {

    private static final String HASH = "363838865d67245f6045a510d660614ae477cd64df9f55f5c068b20a1536949a";

    @Test
    void enabledWithoutKeysIsAConfigurationError() {
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(true, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("herald.ingest.auth.keys is empty");
    }

    @Test
    void refusesMalformedKeys() {
        assertThatThrownBy(() -> keys(new AuthProperties.ApiKey("a", "not-hex", List.of("user"))))
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> keys(new AuthProperties.ApiKey("a b", HASH, List.of("user"))))
                .hasMessageContaining("name");
        assertThatThrownBy(() -> keys(new AuthProperties.ApiKey("a", HASH, List.of())))
                .hasMessageContaining("no namespace");
        assertThatThrownBy(() -> keys(new AuthProperties.ApiKey("a", HASH, List.of("user")),
                new AuthProperties.ApiKey("a", HASH.replace('3', '4'), List.of("user"))))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> keys(new AuthProperties.ApiKey("a", HASH, List.of("user")),
                new AuthProperties.ApiKey("b", HASH, List.of("user"))))
                .hasMessageContaining("same hash");
    }

    @Test
    void authenticatesByTheKeysHash() {
        ApiKeys keys = keys(new AuthProperties.ApiKey("orders", HASH, List.of("topic")));

        ProducerIdentity identity = keys.authenticate("Bearer orders-secret");

        assertThat(identity.name()).isEqualTo("orders");
        assertThat(identity.allows(ChannelName.parse("topic:x"))).isTrue();
        assertThat(identity.allows(ChannelName.parse("user:x"))).isFalse();
        assertThat(new ApiKeys(new AuthProperties(false, List.of())).authenticate(null)).isEqualTo(ProducerIdentity.ANONYMOUS);
    }

    private static ApiKeys keys(AuthProperties.ApiKey... keys) {
        return new ApiKeys(new AuthProperties(true, List.of(keys)));
    }
}
