package org.clr4j.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.dataset.ArrayDataset;
import org.clr4j.data.Dataset;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;

/** A model of a user's own (not a clr4j reference model: an MLP with batch norm) and DJL datasets for tests. */
public final class UserModels {
  private static TrainTest data;

  private UserModels() {}

  /** flatten, 64 + batch norm + ReLU, 10. */
  public static Block block() {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(64).build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(10).build());
  }

  /** A new model with {@link #block()}, initialized from {@code seed}. */
  public static Model initialized(long seed) {
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    Model model = Model.newInstance("user-mlp", "PyTorch");
    model.setBlock(block());
    model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
    return model;
  }

  /** {@code prefix} followed by every parameter's values (batch-norm statistics included), in block order. */
  public static float[] withParameterValues(java.util.List<Float> prefix, Block block) {
    java.util.List<Float> out = new java.util.ArrayList<>(prefix);
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
      for (float v : p.getValue().getArray().toFloatArray()) {
        out.add(v);
      }
    }
    float[] result = new float[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return result;
  }

  /** The first 1,000 training and 200 test images of the embedded Fashion-MNIST subset. */
  public static synchronized TrainTest data() {
    if (data == null) {
      TrainTest small = FashionMnist.embeddedSmall();
      data = new TrainTest(small.train().head(1000), small.test().head(200));
    }
    return data;
  }

  /** {@code data} as a DJL dataset: images {@code (n, 1, 28, 28)}, int64 labels, batches in order. */
  public static ArrayDataset dataset(NDManager manager, Dataset data, int batchSize) {
    NDArray x = manager.create(data.features(), new Shape(data.size(), 1, 28, 28));
    long[] labels = new long[data.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = data.labels()[i];
    }
    NDArray y = manager.create(labels);
    return new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(batchSize, false).build();
  }
}
