package io.herald.redis;

import io.lettuce.core.RedisURI;
import java.util.List;

/**
 * Where Redis is, as Spring Boot's own keys say it, and the one place a Lettuce URI is made from them: a single
 * server or a managed endpoint ({@code spring.data.redis.url}), or a primary found through Sentinel
 * ({@code spring.data.redis.sentinel.master} and {@code .nodes}, which take precedence). A Sentinel URI makes
 * every new connection, and every reconnect, ask the sentinels for the current primary, so a failover is
 * followed without any Herald code. A Redis Cluster ({@code spring.data.redis.cluster.nodes}) is reached through
 * {@link #clusterUris()}: any of the seed nodes leads a cluster client to the whole topology. The clients are made by
 * {@link RedisClientFactory}.
 *
 * @param url              {@code redis://} or {@code rediss://} URI; a Lettuce {@code redis-sentinel://} URI works too
 * @param sentinelMaster   the name the sentinels monitor the primary under, or {@code null}
 * @param sentinelNodes    the sentinels, {@code host:port} each
 * @param sentinelPassword the sentinels' own password, or {@code null}
 * @param password         the data nodes' password when Sentinel is used (with a URL, it goes in the URL)
 * @param clusterNodes     {@code spring.data.redis.cluster.nodes}, {@code host:port} each: seeds of a Redis Cluster
 */
public record RedisEndpoint(String url, String sentinelMaster, List<String> sentinelNodes, String sentinelPassword,
        String password, List<String> clusterNodes) {

    public RedisEndpoint {
        sentinelNodes = sentinelNodes == null ? List.of() : List.copyOf(sentinelNodes);
        clusterNodes = clusterNodes == null ? List.of() : List.copyOf(clusterNodes);
    }

    public static RedisEndpoint ofUrl(String url) {
        return new RedisEndpoint(url, null, List.of(), null, null, List.of());
    }

    public boolean isSentinel() {
        return sentinelMaster != null && !sentinelMaster.isBlank();
    }

    /** True when {@code spring.data.redis.cluster.nodes} is set: the topology is a Redis Cluster. */
    public boolean isCluster() {
        return !clusterNodes.isEmpty();
    }

    /**
     * The cluster's seed nodes as Lettuce URIs, for {@code RedisClusterClient.create}; the data nodes' password,
     * when set, goes with each.
     *
     * @throws IllegalArgumentException when this is no cluster, or a node is not {@code host:port}
     */
    public List<RedisURI> clusterUris() {
        if (!isCluster()) {
            throw new IllegalArgumentException("spring.data.redis.cluster.nodes is not set");
        }
        return clusterNodes.stream().map(node -> {
            int colon = node.lastIndexOf(':');
            RedisURI.Builder builder;
            try {
                builder = colon < 0 ? RedisURI.Builder.redis(node.trim())
                        : RedisURI.Builder.redis(node.substring(0, colon).trim(), Integer.parseInt(node.substring(colon + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spring.data.redis.cluster.nodes: '" + node + "' is not host:port");
            }
            if (password != null && !password.isEmpty()) {
                builder.withPassword(password.toCharArray());
            }
            return builder.build();
        }).toList();
    }

    /**
     * The one server or Sentinel-watched primary to connect to.
     *
     * @throws IllegalArgumentException naming the setting that is wrong or missing, or for a cluster, which has no
     *                                  single URI ({@link #clusterUris()})
     */
    public RedisURI uri() {
        if (isCluster()) {
            throw new IllegalArgumentException("spring.data.redis.cluster.nodes is set: this part of Herald needs a single "
                    + "primary (spring.data.redis.url) or Sentinel (spring.data.redis.sentinel.*); Redis Cluster is not supported here yet");
        }
        if (!isSentinel()) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("spring.data.redis.url (or spring.data.redis.sentinel.master and .nodes) is required");
            }
            try {
                return RedisURI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("redis url '" + url.replaceAll("//[^@/]*@", "//***@")
                        + "' is not valid: " + e.getMessage(), e);
            }
        }
        if (sentinelNodes.isEmpty()) {
            throw new IllegalArgumentException("spring.data.redis.sentinel.nodes is required with spring.data.redis.sentinel.master");
        }
        RedisURI.Builder builder = null;
        for (String node : sentinelNodes) {
            int colon = node.lastIndexOf(':');
            String host = colon < 0 ? node.trim() : node.substring(0, colon).trim();
            int port;
            try {
                port = colon < 0 ? RedisURI.DEFAULT_SENTINEL_PORT : Integer.parseInt(node.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spring.data.redis.sentinel.nodes: '" + node + "' is not host:port");
            }
            if (builder == null) {
                builder = RedisURI.Builder.sentinel(host, port, sentinelMaster);
            } else if (sentinelPassword == null || sentinelPassword.isEmpty()) {
                builder.withSentinel(host, port);
            } else {
                builder.withSentinel(host, port, sentinelPassword);
            }
        }
        if (password != null && !password.isEmpty()) {
            builder.withPassword(password.toCharArray());
        }
        RedisURI uri = builder.build();
        if (sentinelPassword != null && !sentinelPassword.isEmpty()) {
            uri.getSentinels().forEach(sentinel -> sentinel.setPassword(sentinelPassword.toCharArray()));
        }
        return uri;
    }
}
