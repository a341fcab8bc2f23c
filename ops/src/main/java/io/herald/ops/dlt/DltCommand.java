package io.herald.ops.dlt;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.RecordDecoder;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl dlt}: the dead-letter topic. */
@Command(name = "dlt", mixinStandardHelpOptions = true,
        header = "Inspect and redrive dead letters.",
        description = "Inspect the dead-letter topic (<topic>.DLT) with the dispatcher's reasons, and send fixed or retried "
                + "dead letters back through the pipeline.",
        subcommands = {DltListCommand.class, DltShowCommand.class, DltRedriveCommand.class})
public final class DltCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a dlt command is required: list, show or redrive");
    }

    /** With the dispatcher's envelope limits, so that a value is checked as the dispatcher will check it. */
    static DeadLetters deadLetters(KafkaAccess kafka, RedisAccess redis, EnvelopeLimits limits) {
        return new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(limits)),
                Clock.systemUTC());
    }
}
