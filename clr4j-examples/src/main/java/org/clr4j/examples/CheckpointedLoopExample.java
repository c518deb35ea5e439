package org.clr4j.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import org.clr4j.data.Dataset;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.train.TrainingConfig;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;
import org.clr4j.schedule.Schedule;

/**
 * clr4j's own training loop on a model of the user's own (an MLP with batch norm), with checkpoints: kill it at any
 * moment and run it again with {@code resume}, and it continues at the checkpoint's exact step.
 *
 * <p>{@code java ... CheckpointedLoopExample DIR [resume]} trains 4 epochs of 2,000 embedded Fashion-MNIST images
 * with 1cycle, checkpointing into DIR after every epoch, and prints every step's loss.
 */
public final class CheckpointedLoopExample {
  static final int EPOCHS = 4;
  static final int BATCH = 64;

  private CheckpointedLoopExample() {}

  public static void main(String[] args) {
    TrainingResult r = run(Path.of(args[0]), args.length > 1 && args[1].equals("resume")
        ? TrainingLoop.Resume.REQUIRED : TrainingLoop.Resume.NO);
    for (int i = 0; i < r.steps().size(); i++) {
      System.out.println(i + "," + r.steps().loss(i));
    }
  }

  /** Trains (or continues) the run whose checkpoints are in {@code dir} (null: none). */
  public static TrainingResult run(Path dir, TrainingLoop.Resume resume) {
    TrainTest small = FashionMnist.embeddedSmall();
    Schedule oneCycle = Schedule.parse("onecycle(max=0.1, total=" + (EPOCHS * 32) + ")"); // 2,000 / 64: 32 steps
    TrainingConfig config = TrainingConfig.builder(oneCycle).batchSize(BATCH).epochs(EPOCHS).seed(5)
        .optCheckpointDir(dir).build();
    try (Model model = Model.newInstance("user-mlp"); NDManager m = model.getNDManager().newSubManager()) {
      model.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(128).build())
          .add(BatchNorm.builder().build()).add(Activation::relu).add(Linear.builder().setUnits(10).build()));
      return TrainingLoop.builder(model, Loss.softmaxCrossEntropyLoss(), config)
          .optInitialize(new Shape(1, 784))
          .optIdentity("data", "embedded fashion-mnist-small, first 2000")
          .build().run(dataset(m, small.train().head(2000), BATCH), dataset(m, small.test().head(500), 250), resume);
    }
  }

  private static ArrayDataset dataset(NDManager m, Dataset data, int batch) {
    NDArray x = m.create(data.features(), new Shape(data.size(), 784));
    long[] y = new long[data.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = data.labels()[i];
    }
    return new ArrayDataset.Builder().setData(x).optLabels(m.create(y)).setSampling(batch, false).build();
  }
}
