package io.herald.ops;

import io.herald.core.channel.InvalidChannelException;
import io.herald.engine.EngineException;
import io.herald.engine.InvalidBoundException;
import io.herald.ops.channel.ChannelCommand;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.dlt.DltCommand;
import io.herald.ops.replay.ReplayCommand;
import io.herald.ops.restore.RestoreCommand;
import io.herald.ops.status.StatusCommand;
import io.herald.ops.topic.TopicCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code heraldctl}, the SRE command line: see the state of the pipeline and put it right without writing code.
 * It talks to Kafka and Redis directly, with the engine the dispatcher runs and the dispatcher's own configuration
 * ({@code --dispatcher-config}), and to the services' HTTP endpoints.
 */
@Command(name = "heraldctl", mixinStandardHelpOptions = true, versionProvider = Heraldctl.Version.class,
        description = {"Inspect and repair a Herald deployment: lag, channels, restore and replay from Kafka, dead letters,"
                + " growing the topic's partition count.",
                "Connection options fall back to HERALD_* environment variables (see each command's --help)."},
        subcommands = {StatusCommand.class, ChannelCommand.class, RestoreCommand.class, ReplayCommand.class,
                DltCommand.class, TopicCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:done, everything healthy",
                "1:the operation failed (Kafka or Redis unreachable, nothing found, all refused)",
                "2:usage error (unknown option, a time, offset or channel that does not parse, a partition count that is not a larger multiple)",
                "3:partly done (some records refused) or unhealthy (status)"})
public final class Heraldctl implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** The command line with Herald's error handling: one line per error, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Heraldctl());
        cli.setExecutionExceptionHandler((error, command, parseResult) -> {
            boolean usage = error instanceof InvalidBoundException || error instanceof InvalidChannelException;
            String message = error instanceof EngineException || error instanceof IllegalArgumentException
                    ? error.getMessage() : "unexpected error: " + EngineException.describe(error);
            command.getErr().println(displayName(command) + ": " + message);
            command.getErr().flush();
            return usage ? ExitCodes.USAGE : ExitCodes.FAILED;
        });
        cli.setParameterExceptionHandler((error, args) -> {
            CommandLine command = error.getCommandLine();
            command.getErr().println(displayName(command) + ": " + error.getMessage());
            command.getErr().println("Try '" + displayName(command) + " --help'.");
            command.getErr().flush();
            return ExitCodes.USAGE;
        });
        return cli;
    }

    /** {@code heraldctl dlt list}, as the operator typed it. */
    private static String displayName(CommandLine command) {
        return command.getCommandSpec().qualifiedName(" ");
    }

    public static void main(String[] args) {
        // before any logger exists: the CLI's own quiet configuration, whatever else is on the classpath
        System.setProperty("logback.configurationFile", "io/herald/ops/heraldctl-logback.xml");
        System.exit(commandLine().execute(args));
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Heraldctl.class.getPackage().getImplementationVersion();
            return new String[] {"heraldctl " + (version == null ? "(development build)" : version)};
        }
    }
}
