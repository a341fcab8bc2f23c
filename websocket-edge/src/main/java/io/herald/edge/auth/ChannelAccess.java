package io.herald.edge.auth;

import io.herald.core.channel.ChannelName;
import java.util.Set;

/**
 * Whether an identity may see a channel: its own {@code user:<sub>}, any channel of a public namespace, and what
 * its token grants. Asked on every subscribe and for every channel of a resume token or an event stream, so that
 * no token, resume token or URL can widen what a connection sees.
 */
public final class ChannelAccess {

    static final String USER_NAMESPACE = "user";

    private final Set<String> publicNamespaces;

    public ChannelAccess(Set<String> publicNamespaces) {
        this.publicNamespaces = Set.copyOf(publicNamespaces);
    }

    public boolean allows(Identity identity, ChannelName channel) {
        if (USER_NAMESPACE.equals(channel.namespace()) && channel.name().equals(identity.subject())) {
            return true;
        }
        return publicNamespaces.contains(channel.namespace()) || identity.grants().covers(channel);
    }
}
