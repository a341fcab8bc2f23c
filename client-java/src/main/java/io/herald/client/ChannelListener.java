package io.herald.client;

/** A {@link MessageListener} that also hears about its channel's {@code reset} and refusals. */
public interface ChannelListener extends MessageListener {

    /**
     * Some notifications of the channel could not be recovered (they are older than the server's retention):
     * reload the channel's state from the application's own source. Delivery goes on after the hole.
     */
    default void onReset(Reset reset) {
    }

    /**
     * The server refused the channel for good ({@code forbidden}, {@code invalid-channel}): the subscription is over
     * and the client does not ask again. ({@code invalid-position} is reported as a reset instead, and the channel is
     * subscribed again without a position.)
     */
    default void onError(HeraldError error) {
    }
}
