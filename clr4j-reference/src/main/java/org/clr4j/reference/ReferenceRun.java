package org.clr4j.reference;

import java.nio.file.Path;
import org.clr4j.Checks;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.train.TrainingConfig;
import org.clr4j.schedule.Schedule;

/**
 * A training run of a reference model: the model, the loop's settings and the evaluation batch size. {@code
 * targetAccuracy} (in [0,1], NaN for none) stops the run at the end of the first epoch that reaches it; {@code
 * checkpointDir} (nullable) enables checkpoints.
 */
public record ReferenceRun(ReferenceModel model, int batchSize, int epochs, Schedule schedule,
    OptimizerConfig optimizer, long seed, double targetAccuracy, int evalBatchSize, Path checkpointDir) {

  public ReferenceRun {
    Checks.notNull("model", model);
    Checks.atLeast("evalBatchSize", evalBatchSize, 1);
    // The rest is checked by the loop's config.
    config(batchSize, epochs, schedule, optimizer, seed, targetAccuracy, checkpointDir);
  }

  /** The loop's part of these settings. */
  public TrainingConfig config() {
    return config(batchSize, epochs, schedule, optimizer, seed, targetAccuracy, checkpointDir);
  }

  private static TrainingConfig config(int batchSize, int epochs, Schedule schedule, OptimizerConfig optimizer,
      long seed, double targetAccuracy, Path checkpointDir) {
    return new TrainingConfig(batchSize, epochs, schedule, optimizer, seed, targetAccuracy, checkpointDir);
  }
}
