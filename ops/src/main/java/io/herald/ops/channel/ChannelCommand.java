package io.herald.ops.channel;

import io.herald.core.channel.ChannelName;
import io.herald.engine.RedisAccess;
import io.herald.engine.inspect.ChannelInfo;
import io.herald.engine.inspect.ChannelInspector;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.Converters;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.Table;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heraldctl channel <name>}: a channel's state in Redis. */
@Command(name = "channel", mixinStandardHelpOptions = true,
        header = "A channel's state in Redis: position, log, expiry, subscribers.",
        description = "Show a channel's state in Redis: last position, Kafka partition, log length, first and newest "
                + "entries, expiries, the retention the dispatcher applies to it (its configuration, --dispatcher-config), and the subscribers now. Redis counts pub/sub "
                + "connections, and each edge node holds one per channel however many of its clients subscribe: the "
                + "number is edge nodes, not clients.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:shown (also when Redis knows nothing of the channel)",
                "1:Redis unreachable", "2:usage error (e.g. not <namespace>:<name>)"})
public final class ChannelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHANNEL", converter = Converters.ChannelConverter.class,
            description = "The channel, <namespace>:<name>, e.g. user:42.")
    ChannelName channel;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        ChannelInfo info;
        try (RedisAccess redis = connection.redis()) {
            info = new ChannelInspector(redis)
                    .inspect(channel, connection.retention().of(channel));
        }
        output.print(spec.commandLine().getOut(), info, out -> table(out, info));
        return ExitCodes.OK;
    }

    private static void table(PrintWriter out, ChannelInfo info) {
        Table.pairs(out,
                "channel", info.channel(),
                "last position", info.last() == null ? "- (no meta: never applied, expired, or Redis lost it)" : info.last(),
                "partition", info.partition(),
                "log length", info.logLength(),
                "first entry", entry(info.first()),
                "newest entry", entry(info.newest()),
                "log expires in", expiry(info.logTtlSeconds()),
                "meta expires in", expiry(info.metaTtlSeconds()),
                "retention", info.retention() == null ? null : "max " + info.retention().maxLen() + " entries, ttl "
                        + info.retention().ttl() + ", meta ttl " + info.retention().metaTtl() + " (the dispatcher's, from --dispatcher-config)",
                "subscribers now", info.subscriberNodes() + " edge node(s) (pub/sub connections, not clients)");
    }

    private static String entry(ChannelInfo.LogEntry entry) {
        if (entry == null) {
            return null;
        }
        return entry.id() + " (prev " + entry.prev() + ") " + entry.type() + " id=" + entry.envelope() + " createdAt="
                + entry.createdAt();
    }

    private static String expiry(long ttl) {
        return ttl == -2 ? "- (no such key)" : ttl == -1 ? "never" : ttl + " s";
    }
}
