package org.clr4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.Locale;
import org.clr4j.data.DataSources;
import org.clr4j.data.Dataset;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Batches;
import org.clr4j.reference.ReferenceModel;

/**
 * The same training on the same libtorch without clr4j: what a DJL user writes with DJL alone. The reference model
 * (the same blocks and initialization as {@code clr4j train}), Fashion-MNIST as a shuffling {@link ArrayDataset},
 * DJL's softmax cross-entropy, DJL's built-in SGD at a fixed rate (0.01, momentum 0.9, weight decay 5e-4, batch
 * 128), {@code EasyTrain.trainBatch} and {@code trainer.step()}, no listeners. Prints the summary line of
 * {@code clr4j train} (final test accuracy, samples/s over the training steps only), which vs-pytorch.sh reads.
 *
 * <pre>
 *   java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *       -cp clr4j-bench/target/benchmarks.jar org.clr4j.bench.PlainDjl mlp 3 [fashion-mnist]
 * </pre>
 */
public final class PlainDjl {
  private PlainDjl() {}

  public static void main(String[] args) throws IOException, TranslateException {
    if (args.length < 2) {
      System.err.println("usage: PlainDjl mlp|cnn EPOCHS [DATA]   (DATA: fashion-mnist, the default)");
      System.exit(2);
    }
    ReferenceModel kind = ReferenceModel.fromName(args[0]);
    int epochs = Integer.parseInt(args[1]);
    TrainTest data = DataSources.parse(args.length > 2 ? args[2] : "fashion-mnist");
    int batchSize = StepProbe.BATCH;
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f)
        .optWeightDecays(5e-4f).build();
    try (Model model = kind.initializedModel(data.train(), batchSize, StepProbe.SEED, null);
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(sgd))) {
      ArrayDataset train = dataset(trainer.getManager(), data.train(), batchSize, true);
      ArrayDataset test = dataset(trainer.getManager(), data.test(), 1000, false);
      double seconds = 0;
      long steps = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        long t0 = System.nanoTime();
        for (Batch batch : trainer.iterateDataset(train)) {
          EasyTrain.trainBatch(trainer, batch);
          trainer.step();
          batch.close();
          steps++;
        }
        seconds += (System.nanoTime() - t0) / 1e9;
      }
      Batches.Evaluation e = Batches.evaluate(trainer, trainer.iterateDataset(test));
      System.out.printf(Locale.ROOT, "final test accuracy %.2f%%, %d steps, %.0f samples/s (plain DJL, %s)%n",
          100 * e.accuracy(), steps, (double) data.train().size() * epochs / seconds, kind.cliName());
    }
  }

  private static ArrayDataset dataset(NDManager manager, Dataset data, int batchSize, boolean shuffle) {
    NDArray x = manager.create(data.features(), ReferenceModel.inputShape(data.size(), data.sampleShape()));
    long[] labels = new long[data.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = data.labels()[i];
    }
    NDArray y = manager.create(labels, new Shape(labels.length));
    return new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(batchSize, shuffle).build();
  }
}
