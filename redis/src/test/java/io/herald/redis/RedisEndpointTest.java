package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void aUrlIsUsedAsItIs() {
        RedisURI uri = RedisEndpoint.ofUrl("redis://:pw@10.0.0.5:6380/2").uri();
        assertThat(uri.getHost()).isEqualTo("10.0.0.5");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.getSentinels()).isEmpty();
    }

    @Test
    void sentinelSettingsWinOverTheUrlAndNameEverySentinel() {
        RedisURI uri = new RedisEndpoint("redis://127.0.0.1:6379", "herald", List.of("s1:26379", "s2:26380", "s3"),
                "sentinel-pw", "data-pw", null).uri();
        assertThat(uri.getSentinelMasterId()).isEqualTo("herald");
        assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2", "s3");
        assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380, RedisURI.DEFAULT_SENTINEL_PORT);
        assertThat(uri.getSentinels()).allSatisfy(s -> assertThat(new String(s.getPassword())).isEqualTo("sentinel-pw"));
        assertThat(new String(uri.getPassword())).isEqualTo("data-pw");
    }

    @Test
    void clusterNodesAreSeedsEachWithTheDataPassword() {
        RedisEndpoint endpoint = new RedisEndpoint("redis://ignored", null, null, null, "pw", List.of("10.0.0.1:7000", " c2:7001"));
        assertThat(endpoint.isCluster()).isTrue();
        assertThat(endpoint.clusterUris()).extracting(RedisURI::getHost, RedisURI::getPort)
                .containsExactly(tuple("10.0.0.1", 7000), tuple("c2", 7001));
        assertThat(endpoint.clusterUris()).allSatisfy(uri -> assertThat(uri.getPassword()).containsExactly("pw".toCharArray()));
        assertThatThrownBy(() -> new RedisEndpoint(null, null, null, null, null, List.of("c1:x")).clusterUris())
                .hasMessageContaining("'c1:x' is not host:port");
        assertThatThrownBy(() -> RedisEndpoint.ofUrl("redis://x").clusterUris()).hasMessageContaining("cluster.nodes");
    }

    @Test
    void wrongOrMissingSettingsAreNamed() {
        assertThatThrownBy(() -> new RedisEndpoint(null, "herald", List.of(), null, null, null).uri())
                .hasMessageContaining("spring.data.redis.sentinel.nodes");
        assertThatThrownBy(() -> new RedisEndpoint(null, "herald", List.of("s1:x"), null, null, null).uri())
                .hasMessageContaining("'s1:x' is not host:port");
        assertThatThrownBy(() -> new RedisEndpoint("redis://x", null, null, null, null, List.of("c1:7000")).uri())
                .hasMessageContaining("Cluster");
        assertThatThrownBy(() -> RedisEndpoint.ofUrl("redis://:secret@").uri())
                .hasMessageNotContaining("secret");
    }
}
