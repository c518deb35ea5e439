package org.clr4j.sampling;

import java.util.SplittableRandom;
import org.clr4j.Checks;

/**
 * The order in which samples are visited in each epoch: a seeded permutation of {@code [0, size)} that depends
 * only on (seed, epoch). Any position (epoch, batch) can therefore be recreated exactly after a restart, or after
 * an LR range test has consumed some batches, without storing the order.
 */
public final class EpochOrder {
  private final int size;
  private final long seed;

  /**
   * @param size the number of samples, >= 1
   * @param seed the run's data seed
   */
  public EpochOrder(int size, long seed) {
    this.size = Checks.atLeast("size", size, 1);
    this.seed = seed;
  }

  /** The permutation of {@code [0, size)} for {@code epoch} (0-based), freshly allocated. */
  public int[] order(long epoch) {
    Checks.atLeast("epoch", epoch, 0);
    // Mixing the epoch through SplitMix64 decorrelates the streams of neighbouring epochs and seeds.
    SplittableRandom random = new SplittableRandom(seed ^ mix(epoch + 0x9E3779B97F4A7C15L));
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  public int size() {
    return size;
  }

  public long seed() {
    return seed;
  }

  /** The SplitMix64 finalizer (Steele, Lea and Flood 2014). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return "EpochOrder(size=" + size + ", seed=" + seed + ")";
  }
}
