package org.clr4j.djl;

import ai.djl.training.dataset.RandomAccessDataset;
import org.clr4j.Checks;

/**
 * How many training steps a run takes: what {@code onecycle(total=...)} and a cyclic schedule's step size need.
 * One step is one {@code trainer.step()}, i.e. one batch, however many devices share it.
 */
public final class Steps {
  private Steps() {}

  /** Steps in one epoch of {@code samples} samples in batches of {@code batchSize}, the last one possibly smaller. */
  public static long perEpoch(long samples, int batchSize) {
    Checks.atLeast("samples", samples, 1);
    Checks.atLeast("batchSize", batchSize, 1);
    return (samples + batchSize - 1) / batchSize;
  }

  /** Steps in {@code epochs} epochs of {@code samples} samples. */
  public static long total(long samples, int batchSize, int epochs) {
    Checks.atLeast("epochs", epochs, 1);
    return Math.multiplyExact(perEpoch(samples, batchSize), epochs);
  }

  /**
   * Steps in {@code epochs} epochs of a DJL dataset sampled in batches of {@code batchSize} (the size given to its
   * builder's {@code setSampling}); DJL's samplers keep the last, smaller batch.
   */
  public static long total(RandomAccessDataset dataset, int batchSize, int epochs) {
    return total(dataset.size(), batchSize, epochs);
  }
}
