package org.clr4j.reference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import java.util.Objects;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;

/**
 * Trains a reference model with {@link TrainingLoop} — the loop a library user runs on their own model — on clr4j's
 * data. A checkpoint made here also records the model, the data (source and content fingerprint), the evaluation
 * batch size, the device and the thread count, and is refused for a run where any of them differ.
 */
public final class ReferenceTraining {
  private final ReferenceRun run;
  private final TrainTest data;
  private final TrainingLoop.Listener listener;
  private final Device device;
  private volatile TrainingLoop loop;
  private volatile boolean stopRequested;

  /**
   * @param device where to train (null: the engine's default device)
   * @param listener follows the run (nullable)
   */
  public ReferenceTraining(ReferenceRun run, TrainTest data, Device device, TrainingLoop.Listener listener) {
    this.run = Objects.requireNonNull(run, "run");
    this.data = Objects.requireNonNull(data, "data");
    this.device = device;
    this.listener = listener;
  }

  /** Asks the run to stop after the current step (writing a checkpoint when it has a directory). Thread-safe. */
  public void requestStop() {
    stopRequested = true;
    TrainingLoop l = loop;
    if (l != null) {
      l.requestStop();
    }
  }

  /** Runs, from the start or from the checkpoint as {@code resume} says. */
  public TrainingResult run(TrainingLoop.Resume resume) {
    try (Model model = Models.uninitialized(run.model(), data.train(), device);
        NDManager arrays = model.getNDManager().newSubManager()) {
      ArrayDataset train = DjlData.of(arrays, data.train(), run.batchSize(), false);
      ArrayDataset test = DjlData.of(arrays, data.test(), run.evalBatchSize(), false);
      TrainingLoop.Builder builder = TrainingLoop.builder(model, new SparseSoftmaxCrossEntropy(), run.config())
          .optInitialize(ReferenceModel.inputShape(run.batchSize(), data.train().sampleShape()))
          .optListener(listener)
          .optIdentity("model", run.model().cliName())
          .optIdentity("data", data.train().source())
          .optIdentity("eval_batch_size", Integer.toString(run.evalBatchSize()))
          .optIdentity("device", model.getNDManager().getDevice().toString())
          .optIdentity("threads", String.valueOf(System.getProperty("ai.djl.pytorch.num_threads")));
      if (run.checkpointDir() != null) {
        // A pass over every sample: only a run whose checkpoint it guards pays for it.
        builder.optIdentity("data_fingerprint", DjlData.fingerprint(data.train()));
      }
      if (device != null) {
        builder.optDevices(device);
      }
      TrainingLoop l = builder.build();
      loop = l;
      if (stopRequested) {
        l.requestStop();
      }
      return l.run(train, test, resume);
    }
  }
}
