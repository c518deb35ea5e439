package org.clr4j.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * The reference models, the same shapes as the PyTorch scripts we compare with (bench/python):
 * <ul>
 *   <li>{@code mlp}: flatten, 256 ReLU, 128 ReLU, classes;</li>
 *   <li>{@code cnn}: conv3×3·32 + BN + ReLU + maxpool2, conv3×3·64 + BN + ReLU + maxpool2, FC 128 + ReLU, FC classes
 *   (convolutions padded by 1, as {@code nn.Conv2d(..., 3, padding=1)}).</li>
 * </ul>
 *
 * <p>The {@code cnn} keeps its activations in channels-last memory (NHWC strides behind the usual NCHW shape): the
 * same function and gradients, but libtorch then runs its vectorized channels-last max pooling and batch norm and
 * oneDNN's NHWC convolutions instead of the scalar NCHW pooling kernel: a quarter less time per step on 2 cores
 * (docs/BENCHMARKS.md). DJL has no memory-format API; {@link #channelsLast} gets there with views.
 */
public enum ReferenceModel {
  /** flatten, 256 ReLU, 128 ReLU, classes. */
  MLP,
  /** 2 × (conv3×3 + batch norm + ReLU + max-pool 2), FC 128 + ReLU, FC classes. */
  CNN;

  /**
   * System property that turns the cnn's channels-last layout off ({@code -Dclr4j.channelsLast=false}), to measure
   * what it gains (clr4j-bench/scripts/cnn-throughput.sh); results equal to float rounding either way.
   */
  public static final String CHANNELS_LAST_PROPERTY = "clr4j.channelsLast";

  /** The lower-case name used on the command line and in run records: {@code mlp}, {@code cnn}. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The model named {@code name}, e.g. {@code cnn}. */
  public static ReferenceModel fromName(String name) {
    for (ReferenceModel m : values()) {
      if (m.cliName().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("model (" + name + ") must be one of " + names());
  }

  /** {@code mlp, cnn}. */
  public static String names() {
    return java.util.Arrays.stream(values()).map(ReferenceModel::cliName)
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * A fresh, uninitialized block.
   *
   * @param sampleShape shape of one sample ({@code cnn} needs {@code {channels, height, width}})
   * @param classes number of output classes
   */
  public Block build(int[] sampleShape, int classes) {
    return build(sampleShape, classes, !"false".equals(System.getProperty(CHANNELS_LAST_PROPERTY)));
  }

  /**
   * A new model of this kind for data shaped like {@code data}, its parameters initialized from {@code seed} as the
   * training loop initializes them (e.g. for the step benchmarks); close it.
   *
   * @param device where the parameters live (null: the engine's default device)
   */
  public ai.djl.Model initializedModel(org.clr4j.data.Dataset data, int batchSize, long seed, ai.djl.Device device) {
    return Models.initialized(this, data, batchSize, seed, device);
  }

  /** As {@link #build(int[], int)}; {@code channelsLast} false keeps the cnn in plain NCHW memory. */
  Block build(int[] sampleShape, int classes, boolean channelsLast) {
    switch (this) {
      case MLP:
        return new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(256).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(128).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(classes).build());
      default:
        if (sampleShape.length != 3) {
          throw new IllegalArgumentException("model (cnn) needs image samples of shape {channels, height, width}, "
              + "but the data has samples of shape " + java.util.Arrays.toString(sampleShape));
        }
        SequentialBlock cnn = new SequentialBlock();
        if (channelsLast) {
          cnn.add(new LambdaBlock(ReferenceModel::channelsLast, "channelsLast"));
        }
        return cnn
            .add(conv(32)).add(BatchNorm.builder().build()).add(Activation::relu).add(maxPool())
            .add(conv(64)).add(BatchNorm.builder().build()).add(Activation::relu).add(maxPool())
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(128).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(classes).build());
    }
  }

  /**
   * The same NCHW-shaped batch laid out channels-last in memory: permuted to NHWC, made contiguous there (by a
   * reshape, which copies a non-contiguous view; with one channel nothing is copied) and permuted back. Operators
   * give their outputs the layout of their inputs, so every later activation stays channels-last, and the reshape
   * before the first fully connected layer restores NCHW order: the network computes exactly the NCHW function.
   */
  static NDList channelsLast(NDList input) {
    NDArray x = input.singletonOrThrow();
    Shape s = x.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("channelsLast needs a batch of shape {n, c, h, w}, not " + s);
    }
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    NDArray nhwc = x.transpose(0, 2, 3, 1).reshape(new Shape(n, h * w * c)).reshape(new Shape(n, h, w, c));
    return new NDList(nhwc.transpose(0, 3, 1, 2));
  }

  private static Block maxPool() {
    return Pool.maxPool2dBlock(new Shape(2, 2));
  }

  private static Conv2d conv(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
  }

  /** The input shape of a batch of {@code batchSize} samples. */
  public static Shape inputShape(int batchSize, int[] sampleShape) {
    long[] dims = new long[sampleShape.length + 1];
    dims[0] = batchSize;
    for (int i = 0; i < sampleShape.length; i++) {
      dims[i + 1] = sampleShape[i];
    }
    return new Shape(dims);
  }
}
