package io.herald.ops.config;

/** The dispatcher's configuration cannot be read or a setting in it does not bind: a usage error of heraldctl. */
public class InvalidDispatcherConfigException extends RuntimeException {

    public InvalidDispatcherConfigException(String message) {
        super(message);
    }

    public InvalidDispatcherConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
