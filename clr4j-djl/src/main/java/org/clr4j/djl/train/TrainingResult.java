package org.clr4j.djl.train;

import java.util.List;

/**
 * What a run produced: per-step log, per-epoch results, why it stopped and, when a target accuracy was set and
 * reached, the epoch and training seconds at which it was first reached. {@code resumedAt} is the step a resumed
 * run continued from, or -1 when it started from the beginning.
 */
public record TrainingResult(TrainingConfig config, StepLog steps, List<EpochResult> epochs, Status status,
    int targetEpoch, double targetSeconds, long resumedAt) {

  /** Why a run ended. */
  public enum Status {
    COMPLETED, TARGET_REACHED, INTERRUPTED
  }

  /** The last epoch's test accuracy, or NaN when no epoch finished. */
  public double finalAccuracy() {
    return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testAccuracy();
  }

  /** The best test accuracy of any epoch, or NaN. */
  public double bestAccuracy() {
    return epochs.stream().mapToDouble(EpochResult::testAccuracy).max().orElse(Double.NaN);
  }

  /** Mean training throughput over the run. */
  public double samplesPerSecond() {
    int n = steps.size();
    double seconds = steps.seconds(0, n);
    return seconds > 0 ? steps.samples(0, n) / seconds : Double.NaN;
  }
}
