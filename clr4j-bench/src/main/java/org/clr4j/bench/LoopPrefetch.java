package org.clr4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import java.util.Locale;
import org.clr4j.data.DataSources;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.djl.train.TrainingConfig;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;
import org.clr4j.reference.DjlData;
import org.clr4j.reference.ReferenceModel;
import org.clr4j.schedule.Schedule;

/**
 * The library's {@link TrainingLoop} on a reference model over full Fashion-MNIST, with or without
 * {@code optPrefetch}: samples/s of the training steps and the final accuracy (docs/BENCHMARKS.md, "Throughput").
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp clr4j-bench/target/benchmarks.jar org.clr4j.bench.LoopPrefetch \
 *       mlp|cnn EPOCHS plain|prefetch
 * </pre>
 */
public final class LoopPrefetch {
  private LoopPrefetch() {}

  public static void main(String[] args) {
    if (args.length != 3 || !(args[2].equals("plain") || args[2].equals("prefetch"))) {
      System.err.println("usage: LoopPrefetch mlp|cnn EPOCHS plain|prefetch");
      System.exit(2);
    }
    int epochs = Integer.parseInt(args[1]);
    TrainTest data = DataSources.parse("fashion-mnist");
    int batch = StepProbe.BATCH;
    long steps = (long) epochs * ((data.train().size() + batch - 1) / batch);
    TrainingConfig config = TrainingConfig.builder(Schedule.parse("onecycle(max=0.071, total=" + steps + ")"))
        .batchSize(batch).epochs(epochs).seed(StepProbe.SEED).build();
    try (Model model = ReferenceModel.fromName(args[0]).initializedModel(data.train(), batch, StepProbe.SEED, null);
        NDManager arrays = model.getNDManager().newSubManager()) {
      ArrayDataset train = DjlData.of(arrays, data.train(), batch, false);
      ArrayDataset test = DjlData.of(arrays, data.test(), 1000, false);
      TrainingResult r = TrainingLoop.builder(model, new SparseSoftmaxCrossEntropy(), config)
          .optPrefetch(args[2].equals("prefetch")).build().run(train, test, TrainingLoop.Resume.NO);
      EpochResult last = r.epochs().get(r.epochs().size() - 1);
      System.out.printf(Locale.ROOT, "%s %s %.0f samples/s, final %.4f%n", args[0], args[2],
          (double) data.train().size() * epochs / last.trainSeconds(), r.finalAccuracy());
    }
  }
}
