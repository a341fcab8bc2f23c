package io.herald.ingest.auth;

import io.herald.core.channel.ChannelName;
import java.util.Set;

/**
 * Who is publishing: the holder of an API key and the namespaces it may publish to.
 *
 * @param name       the key's configured name ({@code -} when authentication is disabled)
 * @param namespaces allowed channel namespaces; {@value #ALL_NAMESPACES} allows every namespace
 */
public record ProducerIdentity(String name, Set<String> namespaces) {

    public static final String ALL_NAMESPACES = "*";
    /** The caller when authentication is disabled. */
    public static final ProducerIdentity ANONYMOUS = new ProducerIdentity("-", Set.of(ALL_NAMESPACES));

    public ProducerIdentity {
        namespaces = Set.copyOf(namespaces);
    }

    public boolean allows(ChannelName channel) {
        return namespaces.contains(ALL_NAMESPACES) || namespaces.contains(channel.namespace());
    }
}
