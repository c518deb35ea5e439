package org.clr4j.examples;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.List;
import org.clr4j.data.Dataset;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.djl.optim.ScheduledSgd;
import org.clr4j.djl.rangetest.DjlRangeTest;
import org.clr4j.djl.train.ScheduleRecorder;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.schedule.Schedule;

/**
 * clr4j on a model of your own: a small residual CNN written against DJL's API (not one of clr4j's reference
 * models), trained on DJL {@link ArrayDataset}s with DJL's own {@link EasyTrain#fit}. The range test finds the
 * bounds, 1cycle uses them, a {@link ScheduleRecorder} logs the schedule. {@link #train} is the user-side code shown
 * in the README; the rest builds the network and loads the data.
 */
public final class OwnModelExample {
  static final int BATCH = 64;

  private OwnModelExample() {}

  /** What a run gave: the range test, the schedule it chose, the recorded steps and the test accuracy. */
  public record Outcome(RangeTestRepeats rangeTest, Schedule schedule, ScheduleRecorder recorder, double accuracy) {}

  public static void main(String[] args) throws IOException, TranslateException {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Outcome o = run(epochs, 42);
    System.out.println("range test: " + o.rangeTest().suggestion());
    System.out.println("schedule:   " + o.schedule());
    System.out.printf("test accuracy after %d epochs: %.2f%%%n", epochs, 100 * o.accuracy());
  }

  /** Loads the embedded Fashion-MNIST subset and trains on it. */
  public static Outcome run(int epochs, long seed) throws IOException, TranslateException {
    Engine.getInstance().setRandomSeed((int) seed); // initialization and DJL's shuffling
    TrainTest data = FashionMnist.embeddedSmall();
    try (Model model = Model.newInstance("residual-cnn"); NDManager m = model.getNDManager().newSubManager()) {
      model.setBlock(residualCnn());
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
      return train(model, dataset(m, data.train(), true), dataset(m, data.test(), false), epochs);
    }
  }

  // --- The user-side code: range test -> 1cycle -> EasyTrain.fit -> test accuracy. ---
  static Outcome train(Model model, ArrayDataset trainSet, ArrayDataset testSet, int epochs)
      throws IOException, TranslateException {
    Loss loss = Loss.softmaxCrossEntropyLoss();

    // 1. Range test on this model, 3 times over different data orders (the bounds are the medians, steadier than one
    //    test's); the model comes back bit for bit as it was.
    RangeTestRepeats found = DjlRangeTest.builder(model, loss).build().runRepeats(3, trainSet);

    // 2. 1cycle between the suggested bounds, over the whole run; momentum cycled 0.95 -> 0.85 -> 0.95.
    Schedule oneCycle = found.suggestion().bounds().oneCycle(Steps.total(trainSet, BATCH, epochs));
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(oneCycle).momentum(0.9).optWeightDecays(5e-4f).build();
    ScheduleRecorder recorder = ScheduleRecorder.of(sgd);

    // 3. DJL's own training, with clr4j's optimizer and recorder.
    DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(sgd)
        .addEvaluator(new Accuracy()).addTrainingListeners(TrainingListener.Defaults.basic())
        .addTrainingListeners(recorder);
    try (Trainer trainer = model.newTrainer(config)) {
      EasyTrain.fit(trainer, epochs, trainSet, testSet);
      double accuracy = trainer.getTrainingResult().getValidateEvaluation("Accuracy");
      return new Outcome(found, oneCycle, recorder, accuracy);
    }
  }
  // --- end of the user-side code. ---

  /** A small residual CNN: conv, pool, one residual block, conv, pool, classifier. */
  static Block residualCnn() {
    return new SequentialBlock()
        .add(conv(16)).add(BatchNorm.builder().build()).add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(residual(16))
        .add(conv(32)).add(BatchNorm.builder().build()).add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(10).build());
  }

  /** {@code relu(x + bn(conv(relu(bn(conv(x))))))}: the identity shortcut of a ResNet basic block. */
  static Block residual(int channels) {
    Block path = new SequentialBlock()
        .add(conv(channels)).add(BatchNorm.builder().build()).add(Activation::relu)
        .add(conv(channels)).add(BatchNorm.builder().build());
    return new SequentialBlock()
        .add(new ParallelBlock(
            outputs -> new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow())),
            List.of(path, Blocks.identityBlock())))
        .add(Activation::relu);
  }

  private static Conv2d conv(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
  }

  /** clr4j's in-memory data as a DJL dataset: images {@code (n, 1, 28, 28)}, labels as class indices. */
  static ArrayDataset dataset(NDManager manager, Dataset data, boolean shuffle) {
    NDArray x = manager.create(data.features(), new Shape(data.size(), 1, 28, 28));
    NDArray y = manager.create(data.labels()).toType(DataType.FLOAT32, false);
    return new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(BATCH, shuffle).build();
  }
}
