/**
 * The dispatcher's own configuration as {@code heraldctl} reads it (its file and environment variables, bound with
 * Spring Boot's {@code Binder}), so that no dispatcher setting is restated on the command line.
 */
package io.herald.ops.config;
