package io.herald.dispatcher.redis;

import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which Redis topology the configuration names, for beans that exist on one only: a Redis Cluster when
 * {@code spring.data.redis.cluster.nodes} is set (as a list or comma-separated, the way {@link io.herald.redis.boot.RedisEndpointProperties}
 * binds it), else one primary (a URL, or Sentinel).
 */
public final class RedisTopology {

    private RedisTopology() {
    }

    static boolean isCluster(ConditionContext context) {
        return Binder.get(context.getEnvironment())
                .bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class))
                .map(List::isEmpty).map(empty -> !empty).orElse(false);
    }

    /** Matches when {@code spring.data.redis.cluster.nodes} is set. */
    public static final class Cluster implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return isCluster(context);
        }
    }

    /** Matches a single primary: a URL or Sentinel, no cluster nodes. */
    public static final class SinglePrimary implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !isCluster(context);
        }
    }
}
