package org.clr4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.djl.Batches;
import org.clr4j.djl.LossStep;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.reference.DjlData;
import org.clr4j.reference.ReferenceModel;

/**
 * The training step the step benchmarks time (StepProbe, StepOverheadBenchmark), built from the same pieces as
 * {@code clr4j train}'s: a reference model initialized from the seed, the batch gathered by {@link DjlData}, and
 * {@link Batches#trainStep} (forward, loss, backward, optimizer update). Only the loop's bookkeeping (sampler, log,
 * listener) is left out. Owns the model; close it.
 */
final class StepSession implements AutoCloseable {
  private final Model model;
  private final Trainer trainer;
  private final ArrayDataset data;
  private final int batchSize;
  private final Optimizer optimizer;

  private StepSession(Model model, Trainer trainer, ArrayDataset data, int batchSize, Optimizer optimizer) {
    this.optimizer = optimizer;
    this.model = model;
    this.trainer = trainer;
    this.data = data;
    this.batchSize = batchSize;
  }

  /** {@code modelName} for {@code data}, initialized from {@code seed}, trained by {@code optimizer}. */
  static StepSession create(String modelName, Dataset data, int batchSize, Optimizer optimizer, long seed) {
    Checks.atLeast("batchSize", batchSize, 1);
    Model model = ReferenceModel.fromName(modelName).initializedModel(data, batchSize, seed, null);
    try {
      Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SparseSoftmaxCrossEntropy())
          .optOptimizer(optimizer));
      return new StepSession(model, trainer, DjlData.of(model.getNDManager(), data, batchSize, false), batchSize,
          optimizer);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * One optimizer step on samples {@code order[from] … order[from+count-1]}.
   *
   * @return the mini-batch's mean loss before the step
   */
  float trainStep(int[] order, int from, int count) {
    NDManager batchManager = trainer.getManager().newSubManager();
    try (Batch batch = batch(batchManager, order, from, count)) {
      return (float) Batches.trainStep(trainer, batch, LossStep.DEFAULT, optimizer);
    } finally {
      batchManager.close();
    }
  }

  /** Samples {@code order[from] … order[from+count-1]} as a batch in {@code manager}, gathered as the loop does. */
  Batch batch(NDManager manager, int[] order, int from, int count) {
    if (count > batchSize) {
      throw new IllegalArgumentException("count (" + count + ") must be <= batchSize (" + batchSize + ")");
    }
    long[] indices = new long[count];
    for (int i = 0; i < count; i++) {
      indices[i] = order[from + i];
    }
    return data.getByIndices(manager, indices);
  }

  /** The trainer the steps run through (its model's parameters, the optimizer, the loss). */
  Trainer trainer() {
    return trainer;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
