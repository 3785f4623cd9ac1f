package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The set of issued ids: exact against a model, and its memory per id at a million ids. */
class LongSetTest {

  @Test
  void addsRemovesAndContains_exactlyAsAHashSet_includingTheMarkerValues() {
    LongSet set = new LongSet();
    Set<Long> model = new HashSet<>();
    Random random = new Random(13);
    long[] pool = new long[5000];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = random.nextLong();
    }
    pool[0] = 0L;
    pool[1] = Long.MIN_VALUE;
    for (int step = 0; step < 200_000; step++) {
      long value = pool[random.nextInt(pool.length)];
      if (random.nextInt(3) == 0) {
        assertThat(set.remove(value)).isEqualTo(model.remove(value));
      } else {
        assertThat(set.add(value)).isEqualTo(model.add(value));
      }
      long probe = pool[random.nextInt(pool.length)];
      assertThat(set.contains(probe)).isEqualTo(model.contains(probe));
    }
    assertThat(set.size()).isEqualTo(model.size());
    for (long value : pool) {
      assertThat(set.contains(value)).isEqualTo(model.contains(value));
    }
  }

  /** Issue 13: the memory a node spends to refuse forged values without a store query. */
  @Test
  void aMillionIds_takeAtMost17BytesEach_andNoneIsMissedOrInvented() {
    LongSet set = new LongSet();
    Random random = new Random(42);
    long[] ids = new long[1_000_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextLong();
      set.add(ids[i]);
    }
    assertThat(set.size()).isEqualTo(ids.length);
    double bytesPerId = (double) set.tableBytes() / ids.length;
    assertThat(bytesPerId).isLessThanOrEqualTo(17.0); // 2^21 slots of 8 bytes: 16.8
    for (long id : ids) {
      assertThat(set.contains(id)).isTrue();
    }
    int invented = 0;
    for (int i = 0; i < 1_000_000; i++) {
      if (set.contains(random.nextLong())) {
        invented++;
      }
    }
    assertThat(invented).as("exact: no false positives").isZero();
  }
}
