package org.clr4j.djl.train;

import java.nio.file.Path;
import java.util.Objects;
import org.clr4j.Checks;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.schedule.Schedule;

/**
 * Everything that decides a training run besides the model and the data: batch size, epochs, schedule, optimizer
 * and seed. {@code targetAccuracy} (in [0,1], NaN for none) stops the run at the end of the first epoch that reaches
 * it; {@code checkpointDir} (nullable) enables checkpoints.
 */
public record TrainingConfig(int batchSize, int epochs, Schedule schedule, OptimizerConfig optimizer, long seed,
    double targetAccuracy, Path checkpointDir) {

  public TrainingConfig {
    Checks.atLeast("batchSize", batchSize, 1);
    Checks.atLeast("epochs", epochs, 1);
    Checks.notNull("schedule", schedule);
    Checks.notNull("optimizer", optimizer);
    if (!Double.isNaN(targetAccuracy) && !(targetAccuracy >= 0 && targetAccuracy <= 1)) {
      throw new IllegalArgumentException("targetAccuracy (" + Checks.format(targetAccuracy) + ") must be in [0, 1]");
    }
  }

  /** A builder: batch 128, 1 epoch, SGD with momentum 0.9 and weight decay 5e-4, seed 42, no target, no checkpoints. */
  public static Builder builder(Schedule schedule) {
    return new Builder(schedule);
  }

  public TrainingConfig withSchedule(Schedule newSchedule) {
    return new TrainingConfig(batchSize, epochs, newSchedule, optimizer, seed, targetAccuracy, checkpointDir);
  }

  public TrainingConfig withTargetAccuracy(double target) {
    return new TrainingConfig(batchSize, epochs, schedule, optimizer, seed, target, checkpointDir);
  }

  /** Builds a {@link TrainingConfig}. */
  public static final class Builder {
    private final Schedule schedule;
    private int batchSize = 128;
    private int epochs = 1;
    private OptimizerConfig optimizer = OptimizerConfig.defaults(OptimizerKind.SGD);
    private long seed = 42;
    private double targetAccuracy = Double.NaN;
    private Path checkpointDir;

    private Builder(Schedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder epochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optimizer(OptimizerConfig optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** Seeds parameter initialization (when the loop initializes) and the data order. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optTargetAccuracy(double targetAccuracy) {
      this.targetAccuracy = targetAccuracy;
      return this;
    }

    public Builder optCheckpointDir(Path checkpointDir) {
      this.checkpointDir = checkpointDir;
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(batchSize, epochs, schedule, optimizer, seed, targetAccuracy, checkpointDir);
    }
  }
}
