package io.herald.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelAccessTest {

    private final ChannelAccess access = new ChannelAccess(Set.of("broadcast"));

    @Test
    void aUserSeesTheirOwnChannelPublicNamespacesAndWhatTheTokenGrants() {
        Identity seven = new Identity("7", ChannelGrants.of(List.of("topic:orders", "team:*")), null, true);

        assertThat(access.allows(seven, ChannelName.parse("user:7"))).isTrue();
        assertThat(access.allows(seven, ChannelName.parse("broadcast:all"))).isTrue();
        assertThat(access.allows(seven, ChannelName.parse("topic:orders"))).isTrue();
        assertThat(access.allows(seven, ChannelName.parse("team:red"))).isTrue();

        assertThat(access.allows(seven, ChannelName.parse("user:8"))).isFalse();
        assertThat(access.allows(seven, ChannelName.parse("user:77"))).isFalse();
        assertThat(access.allows(seven, ChannelName.parse("topic:orders2"))).isFalse();
        assertThat(access.allows(seven, ChannelName.parse("teams:red"))).isFalse();
    }

    @Test
    void aNamespacePatternOfUserGrantsEveryUserChannel() {
        Identity service = new Identity("svc", ChannelGrants.of(List.of("user:*")), null, true);
        assertThat(access.allows(service, ChannelName.parse("user:8"))).isTrue();
        assertThat(access.allows(service, ChannelName.parse("topic:orders"))).isFalse();
    }

    @Test
    void grantsMustBeChannelsOrNamespacePatterns() {
        assertThatThrownBy(() -> ChannelGrants.of(List.of("*"))).hasMessageContaining("'*'");
        assertThatThrownBy(() -> ChannelGrants.of(List.of("topic:ord*"))).hasMessageContaining("topic:ord*");
        assertThatThrownBy(() -> ChannelGrants.of(List.of("Topic:*"))).hasMessageContaining("Topic:*");
    }
}
