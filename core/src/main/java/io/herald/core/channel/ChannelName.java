package io.herald.core.channel;

import java.util.regex.Pattern;

/**
 * A channel: {@code <namespace>:<name>}. The namespace selects access rules and retention
 * ({@code user:42}, {@code topic:orders}, {@code broadcast:all}). Instances are always valid, so code
 * that holds one may embed it in Redis keys and JSON frames without escaping: the grammar admits
 * no quote, backslash, brace or whitespace.
 */
public record ChannelName(String value, String namespace, String name) {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");

    public ChannelName {
        if (!value.equals(namespace + ":" + name)) {
            throw new IllegalArgumentException("channel value does not match its parts");
        }
    }

    /** Parses and validates; the exception message says which part is wrong and why. */
    public static ChannelName parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidChannelException("channel is required");
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new InvalidChannelException("channel '" + abbreviate(value) + "' must look like <namespace>:<name>");
        }
        String namespace = value.substring(0, colon);
        String name = value.substring(colon + 1);
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new InvalidChannelException("channel namespace '" + abbreviate(namespace)
                    + "' must match [a-z][a-z0-9_-]{0,31}");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidChannelException("channel name '" + abbreviate(name)
                    + "' must match [A-Za-z0-9_.:@-]{1,128}");
        }
        return new ChannelName(value, namespace, name);
    }

    public static boolean isValid(String value) {
        try {
            parse(value);
            return true;
        } catch (InvalidChannelException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    @Override
    public String toString() {
        return value;
    }
}
