/**
 * Sending a window of a channel's notifications again to its live subscribers, flagged as a replay, without
 * touching the Redis logs.
 */
package io.herald.engine.replay;
