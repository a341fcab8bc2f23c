package io.herald.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

    private static final TopicLayout THREE = TopicLayout.of("t", 3);
    /** 3 partitions, grown to 6 at cuts 100/200/300, then to 12, not sealed yet. */
    private static final TopicLayout GROWN = THREE.grow(6).seal(Map.of(0, 100L, 1, 200L, 2, 300L)).grow(12);

    @Test
    void aTopicThatNeverGrewHasPlainOffsetsAsPositionsAndOneSegmentPerChannel() {
        ChannelName channel = ChannelName.parse("user:a");
        int home = ChannelPartitioner.partitionOf(channel, 3);
        assertThat(THREE.position(home, 42)).isEqualTo(Position.ofOffset(42));
        assertThat(THREE.home(channel)).isEqualTo(home);
        assertThat(THREE.segments(channel)).containsExactly(new TopicLayout.Segment(home, 0, -1));
        assertThat(THREE.after(channel, Position.ofOffset(41)))
                .containsExactly(new TopicLayout.Stretch(new TopicLayout.Segment(home, 0, -1), 42));
        assertThat(THREE.after(channel, Position.NONE).get(0).from()).isZero();
    }

    @Test
    void onlyALargerMultipleGrowsAndOnlyAfterTheLastGrowthWasSealed() {
        assertThatThrownBy(() -> THREE.grow(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> THREE.grow(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GROWN.grow(24)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> THREE.grow(6).seal(Map.of(0, 1L, 1, 1L))).as("a cut for every old partition")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partitionsOfAGrowthNumberTheirPositionsAboveEveryEarlierOne() {
        assertThat(GROWN.base(2)).isZero();
        assertThat(GROWN.base(5)).isEqualTo(TopicLayout.SPAN);
        assertThat(GROWN.base(11)).isEqualTo(2 * TopicLayout.SPAN);
        assertThat(GROWN.position(4, 7)).isEqualTo(Position.ofOffset(TopicLayout.SPAN + 7));
        assertThat(TopicLayout.offsetOf(GROWN.position(4, 7))).isEqualTo(7);
        assertThat(GROWN.source(4)).isEqualTo(1);
        assertThat(GROWN.sourceCut(4)).isEqualTo(200);
        assertThat(GROWN.source(1)).isEqualTo(-1);
        assertThat(GROWN.sealed(5)).isTrue();
        assertThat(GROWN.sealed(6)).as("created by the unsealed growth").isFalse();
        assertThat(GROWN.current().partitions()).isEqualTo(6);
        assertThat(GROWN.partitions()).isEqualTo(12);
    }

    @Test
    void aMovedChannelsRecordsBelongToTheOldPartitionBelowTheCutAndToTheNewOneFromIt() {
        ChannelName moved = channel(c -> ChannelPartitioner.partitionOf(c, 6) >= 3);
        int old = ChannelPartitioner.partitionOf(moved, 3);
        int now = ChannelPartitioner.partitionOf(moved, 6);
        long cut = GROWN.generations().get(1).cuts().get(old);
        assertThat(GROWN.homeAt(moved, old, cut - 1)).isEqualTo(old);
        assertThat(GROWN.homeAt(moved, old, cut)).as("written late, after the cut").isEqualTo(now);
        assertThat(GROWN.homeAt(moved, now, 0)).isEqualTo(now);
        assertThat(GROWN.home(moved)).as("the unsealed growth moves nobody yet").isEqualTo(now);

        assertThat(GROWN.segments(moved)).containsExactly(new TopicLayout.Segment(old, 0, cut),
                new TopicLayout.Segment(now, TopicLayout.SPAN, -1));
        assertThat(GROWN.after(moved, Position.ofOffset(cut - 2))).containsExactly(
                new TopicLayout.Stretch(new TopicLayout.Segment(old, 0, cut), cut - 1),
                new TopicLayout.Stretch(new TopicLayout.Segment(now, TopicLayout.SPAN, -1), 0));
        assertThat(GROWN.after(moved, Position.ofOffset(cut + 50))).as("a baseline past the cut: the old stretch is read")
                .containsExactly(new TopicLayout.Stretch(new TopicLayout.Segment(now, TopicLayout.SPAN, -1), 0));
        assertThat(GROWN.after(moved, GROWN.position(now, 9)))
                .containsExactly(new TopicLayout.Stretch(new TopicLayout.Segment(now, TopicLayout.SPAN, -1), 10));
        assertThat(new TopicLayout.Segment(now, TopicLayout.SPAN, -1).before(0))
                .as("an empty new partition's end lies after every old position")
                .isEqualTo(Position.ofOffset(TopicLayout.SPAN - 1));
    }

    @Test
    void aChannelThatStaysKeepsItsPartitionAndItsPositions() {
        ChannelName stays = channel(c -> ChannelPartitioner.partitionOf(c, 6) < 3);
        int home = ChannelPartitioner.partitionOf(stays, 3);
        assertThat(GROWN.homeAt(stays, home, 1_000_000)).isEqualTo(home);
        assertThat(GROWN.segments(stays)).containsExactly(new TopicLayout.Segment(home, 0, -1));
    }

    @Test
    void theLayoutTopicRecordsReadBackAsTheLayoutTheLatestOfAGenerationWinning() {
        TopicLayout sealed = THREE.grow(6).seal(Map.of(0, 100L, 1, 200L, 2, 300L));
        List<byte[]> records = List.of(
                LayoutTopic.format(sealed.generations().get(0)).getBytes(),
                LayoutTopic.format(THREE.grow(6).newest()).getBytes(),
                LayoutTopic.format(sealed.newest()).getBytes());
        assertThat(LayoutTopic.parse("t", records)).isEqualTo(sealed);
    }

    private static ChannelName channel(java.util.function.Predicate<ChannelName> wanted) {
        return IntStream.range(0, 10_000).mapToObj(i -> ChannelName.parse("user:c" + i)).filter(wanted).findFirst()
                .orElseThrow();
    }
}
