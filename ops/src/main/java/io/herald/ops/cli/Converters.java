package io.herald.ops.cli;

import io.herald.core.channel.ChannelName;
import io.herald.engine.deadletter.DeadLetterRef;
import io.herald.engine.Bound;
import java.time.Clock;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values that must parse before any work starts: a bad one is a usage error (exit 2) with the reason. */
public final class Converters {

    private Converters() {
    }

    /** A time ({@code 2025-11-28T10:00:00Z}), a duration before now ({@code 2h}, {@code PT2H}) or an offset. */
    public static final class BoundConverter implements ITypeConverter<Bound> {
        @Override
        public Bound convert(String value) {
            try {
                return Bound.parse(value, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code <namespace>:<name>}. */
    public static final class ChannelConverter implements ITypeConverter<ChannelName> {
        @Override
        public ChannelName convert(String value) {
            try {
                return ChannelName.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Records per second: {@code 5000} or {@code 5000/s}; 0 means no limit. */
    public static final class RateConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.trim().endsWith("/s") ? value.trim().substring(0, value.trim().length() - 2) : value.trim();
            try {
                long rate = Long.parseLong(text);
                if (rate < 0) {
                    throw new NumberFormatException();
                }
                return rate;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a rate: use records per second, e.g. 5000 or 5000/s (0: no limit)");
            }
        }
    }

    /** {@code <offset>} or {@code <partition>:<offset>} of the dead-letter topic. */
    public static final class DeadLetterRefConverter implements ITypeConverter<DeadLetterRef> {
        @Override
        public DeadLetterRef convert(String value) {
            try {
                return DeadLetterRef.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
