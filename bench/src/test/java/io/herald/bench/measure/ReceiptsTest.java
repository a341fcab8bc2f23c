package io.herald.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiptsTest {

    @Test
    void aPerUserClientExpectsEveryStrideThMessageAndCountsEachOnce() {
        Receipts receipts = new Receipts(5, 2); // client 2 of 5: seqs 2, 7, 12, ...

        assertThat(receipts.mark(7)).isEqualTo(Receipts.Outcome.NEW);
        assertThat(receipts.mark(7)).isEqualTo(Receipts.Outcome.DUPLICATE);
        assertThat(receipts.mark(8)).isEqualTo(Receipts.Outcome.NOT_MINE);
        assertThat(receipts.mark(1)).isEqualTo(Receipts.Outcome.NOT_MINE);
        assertThat(receipts.mark(5 * 1000 + 2)).isEqualTo(Receipts.Outcome.NEW);

        assertThat(receipts.received()).isEqualTo(2);
        assertThat(receipts.expectedBetween(0, 20)).isEqualTo(4); // 2, 7, 12, 17
        assertThat(receipts.receivedBetween(0, 20)).isEqualTo(1);
        assertThat(receipts.expectedBetween(7, 8)).isEqualTo(1);
        assertThat(receipts.expectedBetween(8, 12)).isEqualTo(0);
    }

    @Test
    void aBroadcastClientExpectsEveryMessage() {
        Receipts receipts = new Receipts(1, 0);
        for (int seq = 0; seq < 200; seq += 2) {
            receipts.mark(seq);
        }
        assertThat(receipts.expectedBetween(0, 200)).isEqualTo(200);
        assertThat(receipts.receivedBetween(0, 200)).isEqualTo(100);
        assertThat(receipts.receivedBetween(100, 110)).isEqualTo(5);
    }
}
