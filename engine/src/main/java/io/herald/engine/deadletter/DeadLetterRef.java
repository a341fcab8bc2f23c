package io.herald.engine.deadletter;

/**
 * A dead letter as an operator names it: {@code <partition>:<offset>} of the dead-letter topic, or a bare
 * {@code <offset>} when only one partition holds that offset.
 *
 * @param partition the dead-letter topic's partition, or null when not given
 */
public record DeadLetterRef(Integer partition, long offset) {

    public DeadLetterRef {
        if (offset < 0 || partition != null && partition < 0) {
            throw new IllegalArgumentException("partition and offset must be >= 0");
        }
    }

    /** @throws IllegalArgumentException with a message that shows the accepted forms */
    public static DeadLetterRef parse(String text) {
        String value = text == null ? "" : text.trim();
        int colon = value.indexOf(':');
        try {
            if (colon < 0) {
                return new DeadLetterRef(null, Long.parseLong(value));
            }
            return new DeadLetterRef(Integer.parseInt(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            String shown = value.length() <= 40 ? value : value.substring(0, 40) + "...";
            throw new IllegalArgumentException("dead letter '" + shown + "' must be <offset> or <partition>:<offset> of the DLT, e.g. 17 or 2:17");
        }
    }

    @Override
    public String toString() {
        return partition == null ? Long.toString(offset) : partition + ":" + offset;
    }
}
