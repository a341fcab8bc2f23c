/**
 * Dead letters, the one vocabulary: why a record is one ({@link io.herald.engine.deadletter.DeadLetter} and its
 * reasons; the {@code herald.dlt.*} headers are core's {@code Topics}), and reading, showing and redriving the
 * dead-letter topic ({@link io.herald.engine.deadletter.DeadLetters}). The dispatcher's producer of dead letters
 * (Spring Kafka) stays in the dispatcher.
 */
package io.herald.engine.deadletter;
