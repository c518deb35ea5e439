package org.clr4j.djl.train;

import java.nio.file.Path;
import org.clr4j.Checks;
import org.clr4j.djl.model.ReferenceModels;
import org.clr4j.schedule.Schedule;

/**
 * Everything that decides a training run. {@code targetAccuracy} (in [0,1], NaN for none) stops the run at the end
 * of the first epoch that reaches it; {@code checkpointDir} (nullable) enables checkpoints.
 */
public record TrainingConfig(String model, int batchSize, int epochs, Schedule schedule, OptimizerConfig optimizer,
    long seed, double targetAccuracy, int evalBatchSize, Path checkpointDir) {

  public TrainingConfig {
    if (!ReferenceModels.NAMES.contains(model)) {
      throw new IllegalArgumentException("model (" + model + ") must be one of "
          + String.join(", ", ReferenceModels.NAMES));
    }
    Checks.atLeast("batchSize", batchSize, 1);
    Checks.atLeast("epochs", epochs, 1);
    Checks.notNull("schedule", schedule);
    Checks.notNull("optimizer", optimizer);
    if (!Double.isNaN(targetAccuracy) && !(targetAccuracy >= 0 && targetAccuracy <= 1)) {
      throw new IllegalArgumentException("targetAccuracy (" + Checks.format(targetAccuracy) + ") must be in [0, 1]");
    }
    Checks.atLeast("evalBatchSize", evalBatchSize, 1);
  }

  /** Steps in one epoch of {@code samples} samples: every sample once, the last batch possibly smaller. */
  public static int stepsPerEpoch(int samples, int batchSize) {
    return (samples + batchSize - 1) / batchSize;
  }

  public TrainingConfig withSchedule(Schedule newSchedule) {
    return new TrainingConfig(model, batchSize, epochs, newSchedule, optimizer, seed, targetAccuracy, evalBatchSize,
        checkpointDir);
  }
}
