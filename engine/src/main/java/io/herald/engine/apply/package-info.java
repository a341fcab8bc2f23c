/**
 * Turning a Kafka record into the command the apply script runs ({@link io.herald.engine.apply.ApplyCommand}) or the
 * reason it cannot be applied: the one decoding the dispatcher applies with and a restore re-applies with.
 */
package io.herald.engine.apply;
