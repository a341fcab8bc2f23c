/**
 * How much hot history each channel namespace keeps in Redis: the settings as plain records, whose defaults are
 * written once ({@link io.herald.engine.retention.RetentionDefaults}), and their resolution per channel ({@link
 * io.herald.engine.retention.RetentionPolicy}). The dispatcher binds them from {@code herald.dispatcher.retention};
 * {@code heraldctl} reads the same keys from the dispatcher's configuration.
 */
package io.herald.engine.retention;
