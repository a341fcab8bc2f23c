/**
 * Refilling the Redis logs from Kafka after Redis lost data, idempotently, with the dispatcher's decoding and
 * positions, and the script that merges restored entries below a log's newest ({@code restore.lua}).
 */
package io.herald.engine.restore;
