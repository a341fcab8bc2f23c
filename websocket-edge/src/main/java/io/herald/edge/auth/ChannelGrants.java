package io.herald.edge.auth;

import io.herald.core.channel.ChannelName;
import io.herald.core.channel.InvalidChannelException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The channels a token's {@code channels} claim grants: exact names ({@code topic:orders}) and whole namespaces
 * ({@code topic:*}). A pattern matches on the namespace only; there is no other wildcard.
 */
public final class ChannelGrants {

    /** Everything: only for connections of a node whose authentication is disabled. */
    public static final ChannelGrants ALL = new ChannelGrants(Set.of(), Set.of(), true);

    private final Set<String> channels;
    private final Set<String> namespaces;
    private final boolean all;

    private ChannelGrants(Set<String> channels, Set<String> namespaces, boolean all) {
        this.channels = channels;
        this.namespaces = namespaces;
        this.all = all;
    }

    /**
     * Reads the claim's entries; one malformed entry refuses the whole token, because an issuer that writes
     * patterns this node cannot read should learn of it, not see its users get less (or more) than it meant.
     *
     * @throws IllegalArgumentException naming the entry that is neither a channel nor {@code <namespace>:*}
     */
    public static ChannelGrants of(List<String> entries) {
        Set<String> channels = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        for (String entry : entries) {
            try {
                if (entry != null && entry.endsWith(":*")) {
                    namespaces.add(ChannelName.parse(entry.substring(0, entry.length() - 1) + "x").namespace());
                } else {
                    channels.add(ChannelName.parse(entry).value());
                }
            } catch (InvalidChannelException e) {
                throw new IllegalArgumentException("channels claim: '" + entry
                        + "' is neither a channel nor a <namespace>:* pattern");
            }
        }
        return new ChannelGrants(Set.copyOf(channels), Set.copyOf(namespaces), false);
    }

    public boolean covers(ChannelName channel) {
        return all || namespaces.contains(channel.namespace()) || channels.contains(channel.value());
    }

    @Override
    public String toString() {
        return all ? "*" : "channels=" + channels + " namespaces=" + namespaces;
    }
}
