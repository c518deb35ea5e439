package org.clr4j.dl4j;

import org.clr4j.Checks;

/**
 * How many schedule steps a DL4J network takes when trained on Spark with parameter averaging
 * ({@code ParameterAveragingTrainingMaster}, DL4J 1.0.0-M2), so that a 1cycle schedule ends exactly when training
 * does. Measured in clr4j-dl4j-spark's {@code SparkScheduleTest}; see docs/DL4J.md.
 *
 * <p>Each {@code fit} exports the data as minibatches of {@code batchSizePerWorker} examples and splits them into
 * {@code floor(minibatches / (workers × averagingFrequency))} rounds (at least one; DL4J rounds down on purpose and
 * spreads the rest over the rounds). In a round every worker task starts from the master's iteration count and takes
 * at most {@code averagingFrequency} steps (a task given more minibatches skips the rest); then the master averages
 * the parameters and advances its iteration count by {@code averagingFrequency}. All tasks of a round therefore
 * apply the same rates, and per epoch (one {@code fit} over the data):
 *
 * <pre>
 *   minibatches = ceil(examples / batchSizePerWorker)
 *   rounds      = max(1, floor(minibatches / (workers × averagingFrequency)))
 *   steps       = rounds × averagingFrequency
 * </pre>
 *
 * and the schedule's total is {@code epochs × steps}. Adding workers divides the steps per epoch; it does not
 * raise the rate per example. DL4J's split into rounds is random and not exactly even, so a task may get more than
 * {@code averagingFrequency} minibatches and skip some (measured: 0 of 30, 1 of 25, 2 of 30 per epoch); the
 * master's count, and so this formula, does not depend on that. DL4J exports each RDD partition separately, so with several partitions the
 * minibatch count is the sum over partitions of {@code ceil(partitionExamples / batchSizePerWorker)}; pass that to
 * {@link #perEpochFromMinibatches} where it differs.
 */
public final class SparkSteps {
  private SparkSteps() {}

  /** Schedule steps in one epoch of {@code examples} examples. */
  public static long perEpoch(long examples, int workers, int batchSizePerWorker, int averagingFrequency) {
    Checks.atLeast("examples", examples, 1);
    Checks.atLeast("batchSizePerWorker", batchSizePerWorker, 1);
    long minibatches = ceilDiv(examples, batchSizePerWorker);
    return perEpochFromMinibatches(minibatches, workers, averagingFrequency);
  }

  /** Schedule steps in one epoch of {@code minibatches} minibatches (DataSet objects of the exported RDD). */
  public static long perEpochFromMinibatches(long minibatches, int workers, int averagingFrequency) {
    Checks.atLeast("minibatches", minibatches, 1);
    Checks.atLeast("workers", workers, 1);
    Checks.atLeast("averagingFrequency", averagingFrequency, 1);
    long perRound = Math.multiplyExact((long) workers, averagingFrequency);
    return Math.multiplyExact(Math.max(1, minibatches / perRound), averagingFrequency);
  }

  /** The schedule's total steps for {@code epochs} epochs: what {@code onecycle(total=…)} needs. */
  public static long total(int epochs, long examples, int workers, int batchSizePerWorker, int averagingFrequency) {
    Checks.atLeast("epochs", epochs, 1);
    return Math.multiplyExact(epochs, perEpoch(examples, workers, batchSizePerWorker, averagingFrequency));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
