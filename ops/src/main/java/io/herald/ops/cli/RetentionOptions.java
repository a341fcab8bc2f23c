package io.herald.ops.cli;

import io.herald.core.channel.ChannelName;
import io.herald.core.redis.Retention;
import io.herald.dispatcher.DispatcherProperties.RetentionDefaults;
import io.herald.dispatcher.DispatcherProperties.RetentionOverride;
import io.herald.dispatcher.DispatcherProperties.RetentionSettings;
import io.herald.dispatcher.retention.RetentionPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The retention heraldctl applies (restore) or shows (channel): the dispatcher's own setting, which heraldctl
 * cannot read, so it takes it as options; by default the dispatcher's defaults (1000 entries, 24 h, meta 7 d).
 */
public final class RetentionOptions {

    @Option(names = "--retention", paramLabel = "NS=MAXLEN,TTL[,META_TTL]",
            description = {"Retention per channel namespace as the dispatcher has it (herald.dispatcher.retention); "
                    + "NS 'default' sets the default. Repeatable, e.g. --retention default=1000,24h --retention broadcast=10000,7d. "
                    + "Default: 1000,24h,7d for every namespace."})
    List<String> specs = List.of();

    public RetentionPolicy policy(CommandSpec spec) {
        RetentionDefaults defaults = new RetentionDefaults(1000, Duration.ofHours(24), Retention.DEFAULT_META_TTL);
        Map<String, RetentionOverride> namespaces = new HashMap<>();
        for (String text : specs == null ? List.<String>of() : specs) {
            int eq = text.indexOf('=');
            String[] parts = eq < 0 ? new String[0] : text.substring(eq + 1).split(",");
            if (eq <= 0 || parts.length < 2 || parts.length > 3) {
                throw new ParameterException(spec.commandLine(), "--retention '" + text
                        + "' must look like NS=MAXLEN,TTL[,META_TTL], e.g. broadcast=10000,7d");
            }
            String namespace = text.substring(0, eq);
            try {
                int maxLen = Integer.parseInt(parts[0].trim());
                Duration ttl = DurationConverter.parse(parts[1]);
                Duration metaTtl = parts.length == 3 ? DurationConverter.parse(parts[2]) : null;
                if (namespace.equals("default")) {
                    defaults = new RetentionDefaults(maxLen, ttl, metaTtl == null ? defaults.metaTtl() : metaTtl);
                } else {
                    ChannelName.parse(namespace + ":x");
                    namespaces.put(namespace, new RetentionOverride(maxLen, ttl, metaTtl));
                }
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "--retention '" + text + "': " + e.getMessage());
            }
        }
        try {
            return new RetentionPolicy(new RetentionSettings(defaults, namespaces));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--retention: " + e.getMessage());
        }
    }
}
