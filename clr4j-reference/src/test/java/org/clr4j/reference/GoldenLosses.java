package org.clr4j.reference;

/**
 * Per-step training losses of two small runs as clr4j computed them before its training loop was rebuilt on DJL
 * datasets (commit 7092424: TrainingSession with hand-filled direct buffers), dumped with that commit's own
 * {@code TrainingLoop} (Float.toString, which round-trips) on an AMD EPYC. The reference path reproduces them bit
 * for bit on that processor, and to libtorch's last-bit differences between instruction sets on others
 * (ReferenceRunsTest).
 */
final class GoldenLosses {
  private GoldenLosses() {}

  /** mlp, 640 samples of the embedded subset, batch 64, 2 epochs, onecycle(max=0.05, total=20), SGD, seed 7. */
  static final float[] MLP_SEED7 = {2.5063975f, 2.5425446f, 2.3538866f, 2.094388f, 2.2271168f, 1.9975822f,
      1.6389538f, 1.5467486f, 1.6686268f, 1.5501952f, 1.5312635f, 1.0443965f, 1.0244741f, 1.2107668f, 1.1827588f,
      1.1167374f, 1.0413228f, 0.90518534f, 1.0417228f, 1.0859716f};

  /** The mlp run's final test accuracy and test loss. */
  static final double MLP_SEED7_ACCURACY = 0.66;
  static final double MLP_SEED7_TEST_LOSS = 1.0219671130180359;

  /** cnn, the same data, batch 64, 1 epoch, onecycle(max=0.05, total=10), SGD defaults, seed 7. */
  static final float[] CNN_SEED7 = {2.7742786f, 2.6504865f, 4.451252f, 6.1598506f, 7.3485293f, 15.652618f,
      14.446131f, 4.896397f, 2.1795719f, 2.0245397f};

  /** The cnn run's test accuracy and test loss. */
  static final double CNN_SEED7_ACCURACY = 0.43;
  static final double CNN_SEED7_TEST_LOSS = 1.6193432807922363;
}
