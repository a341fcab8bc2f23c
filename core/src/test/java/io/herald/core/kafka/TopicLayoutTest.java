package io.herald.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

    private static final TopicLayout THREE = TopicLayout.of("t", 3);
    /** 3 partitions, grown to 6 at cuts 100/200/300, then to 12, not sealed yet. */
    private static final TopicLayout GROWN = THREE.grow(6, 0).seal(Map.of(0, 100L, 1, 200L, 2, 300L)).grow(12, 0);

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
        assertThatThrownBy(() -> THREE.grow(5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> THREE.grow(3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GROWN.grow(24, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> THREE.grow(6, 0).seal(Map.of(0, 1L, 1, 1L))).as("a cut for every old partition")
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
        assertThat(GROWN.sealed()).isFalse();
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
        assertThat(GROWN.home(moved)).as("the uncut growth moves nobody yet").isEqualTo(now);

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
    void aPartitionsChannelsMoveOnlyOnceItIsCutAndTheFirstCutStands() {
        ChannelName moved = channel(c -> ChannelPartitioner.partitionOf(c, 6) >= 3);
        int old = ChannelPartitioner.partitionOf(moved, 3);
        int now = ChannelPartitioner.partitionOf(moved, 6);
        TopicLayout growing = THREE.grow(6, 1_000);
        assertThat(growing.due(999)).as("the grace period").isEmpty();
        assertThat(growing.due(1_000)).containsExactly(0, 1, 2);
        assertThat(growing.home(moved)).isEqualTo(old);
        assertThat(growing.sealed(now)).isFalse();
        assertThat(growing.homeAt(moved, old, 1_000_000)).isEqualTo(old);

        TopicLayout cut = growing.cut(old, 40).cut(old, 50);
        assertThat(cut.newest().cut(old)).isEqualTo(40);
        assertThat(cut.sealed(now)).isTrue();
        assertThat(cut.sealed()).isFalse();
        assertThat(cut.home(moved)).isEqualTo(now);
        assertThat(cut.homeAt(moved, old, 40)).isEqualTo(now);
        assertThat(cut.due(1_000)).hasSize(2).doesNotContain(old);
        assertThat(cut.segments(moved)).containsExactly(new TopicLayout.Segment(old, 0, 40),
                new TopicLayout.Segment(now, TopicLayout.SPAN, -1));
    }

    @Test
    void theLayoutTopicRecordsReadBackAsTheLayout() {
        TopicLayout sealed = THREE.grow(6, 77).seal(Map.of(0, 100L, 1, 200L, 2, 300L));
        List<byte[]> records = List.of(
                LayoutTopic.format(sealed.generations().get(0)).getBytes(),
                LayoutTopic.format(THREE.grow(6, 77).newest()).getBytes(),
                LayoutTopic.cutRecord("t", 1, 0, 100).value(),
                LayoutTopic.cutRecord("t", 1, 1, 200).value(),
                LayoutTopic.cutRecord("t", 1, 1, 999).value(),
                LayoutTopic.cutRecord("t", 1, 2, 300).value());
        assertThat(LayoutTopic.parse("t", records)).isEqualTo(sealed);
    }

    /**
     * Two dispatchers may cut one partition (it moved from the first to the second while the second still saw it
     * uncut): the first cut stands, also once compaction kept only the last record of each key of the layout topic.
     */
    @Test
    void theFirstCutOfAPartitionStandsAfterCompaction() {
        TopicLayout growing = THREE.grow(6, 77);
        List<ProducerRecord<byte[], byte[]>> written = List.of(
                new ProducerRecord<>("t.layout", "0".getBytes(), LayoutTopic.format(THREE.newest()).getBytes()),
                new ProducerRecord<>("t.layout", "1".getBytes(), LayoutTopic.format(growing.newest()).getBytes()),
                LayoutTopic.cutRecord("t", 1, 0, 100),
                LayoutTopic.cutRecord("t", 1, 1, 200),
                LayoutTopic.cutRecord("t", 1, 2, 300),
                LayoutTopic.cutRecord("t", 1, 1, 210));
        // compaction: the last record of each key survives, where it was in the log
        Map<String, byte[]> compacted = new LinkedHashMap<>();
        for (ProducerRecord<byte[], byte[]> record : written) {
            String key = new String(record.key());
            compacted.remove(key);
            compacted.put(key, record.value());
        }

        TopicLayout read = LayoutTopic.parse("t", List.copyOf(compacted.values()));

        assertThat(read).isEqualTo(growing.seal(Map.of(0, 100L, 1, 200L, 2, 300L)));
    }

    private static ChannelName channel(java.util.function.Predicate<ChannelName> wanted) {
        return IntStream.range(0, 10_000).mapToObj(i -> ChannelName.parse("user:c" + i)).filter(wanted).findFirst()
                .orElseThrow();
    }
}
