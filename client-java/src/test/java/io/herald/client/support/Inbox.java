package io.herald.client.support;

import io.herald.client.ChannelListener;
import io.herald.client.HeraldError;
import io.herald.client.Message;
import io.herald.client.Reset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the application received on one channel: the {@code data.n} of each notification in order, resets, errors. */
public class Inbox implements ChannelListener {

    private final List<Integer> numbers = new CopyOnWriteArrayList<>();
    private final List<String> positions = new CopyOnWriteArrayList<>();
    private final List<Reset> resets = new CopyOnWriteArrayList<>();
    private final List<HeraldError> errors = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
        threads.add(Thread.currentThread().getName());
        numbers.add(message.data().path("n").asInt());
        positions.add(message.position());
    }

    @Override
    public void onReset(Reset reset) {
        resets.add(reset);
    }

    @Override
    public void onError(HeraldError error) {
        errors.add(error);
    }

    public List<Integer> numbers() {
        return List.copyOf(numbers);
    }

    public List<String> positions() {
        return List.copyOf(positions);
    }

    public List<Reset> resets() {
        return List.copyOf(resets);
    }

    public List<HeraldError> errors() {
        return List.copyOf(errors);
    }

    /** The names of the threads the messages were delivered on. */
    public List<String> threads() {
        return List.copyOf(threads);
    }
}
