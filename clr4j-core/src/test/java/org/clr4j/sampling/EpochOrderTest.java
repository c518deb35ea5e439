package org.clr4j.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class EpochOrderTest {
  @Property
  void everyEpochIsAPermutation(@ForAll @IntRange(min = 1, max = 500) int size, @ForAll long seed,
      @ForAll @LongRange(min = 0, max = 1_000_000) long epoch) {
    int[] order = new EpochOrder(size, seed).order(epoch);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < size; i++) {
      assertEquals(i, sorted[i]);
    }
  }

  @Property
  void theOrderDependsOnlyOnSeedAndEpoch(@ForAll @IntRange(min = 1, max = 300) int size, @ForAll long seed,
      @ForAll @LongRange(min = 0, max = 1000) long epoch) {
    EpochOrder a = new EpochOrder(size, seed);
    a.order(epoch + 1); // earlier calls must not matter: no hidden state
    assertArrayEquals(new EpochOrder(size, seed).order(epoch), a.order(epoch));
  }

  @Property
  void neighbouringEpochsAndSeedsDiffer(@ForAll long seed, @ForAll @LongRange(min = 0, max = 1000) long epoch) {
    // With 50 elements two equal permutations have probability 1/50!; equality would mean a mixing bug.
    EpochOrder o = new EpochOrder(50, seed);
    assertFalse(Arrays.equals(o.order(epoch), o.order(epoch + 1)));
    assertFalse(Arrays.equals(o.order(epoch), new EpochOrder(50, seed + 1).order(epoch)));
  }

  @Test
  void firstElementIsRoughlyUniform() {
    // Fisher-Yates with a good generator: over 20,000 epochs each of 10 positions appears about 2,000 times.
    int[] counts = new int[10];
    EpochOrder o = new EpochOrder(10, 42);
    for (int e = 0; e < 20_000; e++) {
      counts[o.order(e)[0]]++;
    }
    for (int c : counts) {
      // 2000 ± 6 standard deviations (sd ≈ 42).
      assertFalse(c < 1750 || c > 2250, Arrays.toString(counts));
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new EpochOrder(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new EpochOrder(3, 1).order(-1));
  }
}
