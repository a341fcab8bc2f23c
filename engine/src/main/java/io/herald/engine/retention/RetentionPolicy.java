package io.herald.engine.retention;

import io.herald.core.channel.ChannelName;
import io.herald.redis.Retention;
import java.util.HashMap;
import java.util.Map;

/**
 * The retention of each channel, by namespace: the override configured for the namespace, the default
 * otherwise. Resolved once at startup so that an invalid setting stops the service rather than a batch.
 */
public final class RetentionPolicy {

    private final Retention defaults;
    private final Map<String, Retention> byNamespace;

    public RetentionPolicy(RetentionSettings settings) {
        RetentionDefaults d = settings.defaults();
        this.defaults = new Retention(d.maxLen(), d.ttl(), d.metaTtl());
        Map<String, Retention> resolved = new HashMap<>();
        for (Map.Entry<String, RetentionOverride> entry : settings.namespaces().entrySet()) {
            RetentionOverride o = entry.getValue();
            resolved.put(entry.getKey(), new Retention(o.maxLen() == null ? d.maxLen() : o.maxLen(),
                    o.ttl() == null ? d.ttl() : o.ttl(), o.metaTtl() == null ? d.metaTtl() : o.metaTtl()));
        }
        this.byNamespace = Map.copyOf(resolved);
    }

    /** The retention of every namespace without an override. */
    public Retention defaults() {
        return defaults;
    }

    public Retention of(ChannelName channel) {
        return byNamespace.getOrDefault(channel.namespace(), defaults);
    }
}
